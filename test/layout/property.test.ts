/**
 * Property test: for random records (primitive mixes, arrays, nested records,
 * unions, anonymous members, packed, #pragma pack, aligned, bitfields with
 * zero-width and unnamed ones, flexible array members), the layout engine's
 * size, alignment, member offsets and bitfield positions equal what each
 * target's real compiler does.
 *
 * Records are generated as target-neutral shapes, turned into RecordDecls per
 * target (bitfield widths are clamped to the target's type sizes) and checked
 * in batches by verifyLayouts (audit/compile-c.ts): two compiles per batch,
 * _Static_asserts for sizes, alignments and offsets and probe objects for
 * bitfield positions. A failure lists every mismatch with the compiler's own
 * value, the fast-check seed, and the C of the records involved.
 *
 * SYSBIND_PROPERTY_RUNS sets the number of batches per target (default 8, of
 * BATCH records each); SYSBIND_PROPERTY_SEED replays a seed.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it, type TestContext } from 'vitest';
import { compilerFor, verifyLayouts, type Compiler } from '../../generator/audit/compile-c.js';
import { renderRecords } from '../../generator/layout/c-decl.js';
import { layoutRecord, sizeAlignOf } from '../../generator/layout/engine.js';
import { isIntegerPrim } from '../../generator/layout/primitives.js';
import { PRIM_NAMES, type AbiFacts, type CType, type FieldDecl, type PrimName, type RecordDecl } from '../../generator/model/ctype.js';
import { loadTargets, type Target } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';
import { hasCompilerFor } from '../helpers/tools.js';

const BATCH = 250;
const RUNS = Number(process.env.SYSBIND_PROPERTY_RUNS ?? 8);
const SEED = process.env.SYSBIND_PROPERTY_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.SYSBIND_PROPERTY_SEED);
/** Members bigger than this are replaced by an int, so nesting cannot blow sizes up. */
const MAX_MEMBER_SIZE = 256;

const ENUM_NAME = 'sysbind_test_enum';
const PRELUDE = `enum ${ENUM_NAME} { SYSBIND_TEST_ENUM_MIN = -1, SYSBIND_TEST_ENUM_MAX = 1 };`;

// ---- Target-neutral record shapes ----

type TypeShape =
  | { t: 'prim'; name: PrimName }
  | { t: 'enum' }
  | { t: 'pointer'; fn: boolean }
  /** An earlier record of the batch, picked by index modulo the number available. */
  | { t: 'record'; ref: number }
  | { t: 'array'; of: TypeShape; length: number };

type FieldShape =
  | { k: 'plain'; type: TypeShape; align: number | null; packed: boolean }
  | { k: 'bits'; type: PrimName | 'enum'; width: number; named: boolean; packed: boolean }
  | { k: 'anon'; kind: 'struct' | 'union'; packed: boolean; align: number | null; fields: FieldShape[] };

interface RecordShape {
  kind: 'struct' | 'union';
  packed: boolean;
  pack: number | null;
  align: number | null;
  fields: FieldShape[];
  flex: TypeShape | null;
}

const chance = (percent: number) => fc.integer({ min: 0, max: 99 }).map((n) => n < percent);
const powerOfTwo = (max: number) => fc.constantFrom(...[1, 2, 4, 8, 16, 32].filter((n) => n <= max));
const maybe = <T>(arb: fc.Arbitrary<T>, percent: number) =>
  fc.tuple(chance(percent), arb).map(([present, value]) => (present ? value : null));

const scalarShape: fc.Arbitrary<TypeShape> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PRIM_NAMES).map((name): TypeShape => ({ t: 'prim', name })) },
  { weight: 1, arbitrary: fc.constant<TypeShape>({ t: 'enum' }) },
  { weight: 1, arbitrary: fc.boolean().map((fn): TypeShape => ({ t: 'pointer', fn })) },
);

const typeShape: fc.Arbitrary<TypeShape> = fc.letrec<{ type: TypeShape }>((tie) => ({
  type: fc.oneof(
    { maxDepth: 2 },
    { weight: 7, arbitrary: scalarShape },
    { weight: 2, arbitrary: fc.nat().map((ref): TypeShape => ({ t: 'record', ref })) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('array' as const), of: tie('type'), length: fc.integer({ min: 1, max: 4 }) }) },
  ),
})).type;

const BITFIELD_TYPES: (PrimName | 'enum')[] = [...PRIM_NAMES.filter(isIntegerPrim), 'enum'];

const bitsShape: fc.Arbitrary<FieldShape> = fc.record({
  k: fc.constant('bits' as const),
  type: fc.constantFrom(...BITFIELD_TYPES),
  width: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 5, arbitrary: fc.integer({ min: 1, max: 9 }) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 64 }) }),
  named: chance(85),
  packed: chance(10),
});

const plainShape: fc.Arbitrary<FieldShape> = fc.record({
  k: fc.constant('plain' as const),
  type: typeShape,
  align: maybe(powerOfTwo(16), 10),
  packed: chance(10),
});

const fieldShape: fc.Arbitrary<FieldShape> = fc.letrec<{ field: FieldShape }>((tie) => ({
  field: fc.oneof(
    { maxDepth: 2 },
    { weight: 5, arbitrary: plainShape },
    { weight: 4, arbitrary: bitsShape },
    {
      weight: 1,
      arbitrary: fc.record({
        k: fc.constant('anon' as const),
        kind: fc.constantFrom('struct' as const, 'union' as const),
        packed: chance(15),
        align: maybe(powerOfTwo(16), 10),
        fields: fc.array(tie('field'), { minLength: 1, maxLength: 5 }),
      }),
    },
  ),
})).field;

const recordShape: fc.Arbitrary<RecordShape> = fc.record({
  kind: fc.constantFrom('struct' as const, 'struct' as const, 'union' as const),
  packed: chance(15),
  pack: maybe(powerOfTwo(16), 15),
  align: maybe(powerOfTwo(32), 10),
  fields: fc.array(fieldShape, { minLength: 1, maxLength: 8 }),
  flex: maybe(typeShape, 10),
});

const batchShape = fc.array(recordShape, { minLength: BATCH, maxLength: BATCH });

// ---- Shapes to RecordDecls for one target ----

const int: CType = { kind: 'prim', name: 'int' };

/** Constructs left out of a batch because the compiler checking it is no oracle for them (see oracleExclusions). */
interface Exclusions {
  packed: boolean;
  unionBitfields: boolean;
  zeroWidthUnderPack: boolean;
}

const NOTHING_EXCLUDED: Exclusions = { packed: false, unionBitfields: false, zeroWidthUnderPack: false };

function buildBatch(shapes: RecordShape[], abi: AbiFacts, exclude: Exclusions): RecordDecl[] {
  const records: RecordDecl[] = [];
  /** Records that may be nested by value (a struct with a flexible array member may not). */
  const nestable: RecordDecl[] = [];
  shapes.forEach((shape, index) => {
    const name = `r${index}`;
    let fieldCount = 0;
    let anonCount = 0;
    const fieldName = () => `f${fieldCount++}`;
    const packed = (wanted: boolean) => (wanted && !exclude.packed ? { packed: true } : {});

    const toType = (t: TypeShape): CType => {
      switch (t.t) {
        case 'prim':
          return { kind: 'prim', name: t.name };
        case 'enum':
          return { kind: 'enum', name: ENUM_NAME };
        case 'pointer':
          return { kind: 'pointer', to: t.fn ? 'function' : 'void' };
        case 'record': {
          const decl = nestable[t.ref % Math.max(nestable.length, 1)];
          return decl ? { kind: 'record', decl } : int;
        }
        case 'array':
          return { kind: 'array', of: toType(t.of), length: t.length };
      }
    };
    const sized = (type: CType): CType => (sizeAlignOf(type, abi).size > MAX_MEMBER_SIZE ? int : type);

    const toField = (f: FieldShape, pack: number | undefined): FieldDecl => {
      switch (f.k) {
        case 'plain':
          return { name: fieldName(), type: sized(toType(f.type)), ...(f.align ? { align: f.align } : {}), ...packed(f.packed) };
        case 'bits': {
          const type: CType = f.type === 'enum' ? { kind: 'enum', name: ENUM_NAME } : { kind: 'prim', name: f.type };
          const maxBits = f.type === '_Bool' ? 1 : sizeAlignOf(type, abi).size * 8;
          const bits = Math.min(f.width, maxBits);
          return { ...(bits > 0 && f.named ? { name: fieldName() } : {}), type, bits, ...packed(f.packed) };
        }
        case 'anon': {
          const decl: RecordDecl = {
            name: `${name}_anon${anonCount++}`,
            kind: f.kind,
            fields: toFields(f.fields, f.kind, pack),
            ...packed(f.packed),
            ...(f.align ? { align: f.align } : {}),
            ...(pack ? { pack } : {}),
          };
          return { type: { kind: 'record', decl } };
        }
      }
    };
    const excluded = (f: FieldShape, kind: RecordShape['kind'], pack: number | undefined): boolean =>
      f.k === 'bits' && ((exclude.unionBitfields && kind === 'union') || (exclude.zeroWidthUnderPack && pack !== undefined && f.width === 0));
    const toFields = (fields: FieldShape[], kind: RecordShape['kind'], pack: number | undefined): FieldDecl[] => {
      const decls = fields.filter((f) => !excluded(f, kind, pack)).map((f) => toField(f, pack));
      // Every struct/union needs a named member (C requires one before a flexible array member, GCC warns otherwise).
      if (!decls.some((d) => d.name !== undefined)) decls.push({ name: fieldName(), type: { kind: 'prim', name: 'char' } });
      return decls;
    };

    const pack = shape.pack ?? undefined;
    const fields = toFields(shape.fields, shape.kind, pack);
    const flex = shape.kind === 'struct' ? shape.flex : null;
    if (flex) fields.push({ name: fieldName(), type: { kind: 'array', of: sized(toType(flex)), length: null } });
    const decl: RecordDecl = {
      name,
      kind: shape.kind,
      fields,
      ...packed(shape.packed),
      ...(pack ? { pack } : {}),
      ...(shape.align ? { align: shape.align } : {}),
    };
    records.push(decl);
    if (!flex) nestable.push(decl);
  });
  return records;
}

// ---- Checking a batch against the compiler ----

/** Checks the batch with the target's compiler; returns a report of every disagreement, or null. */
async function checkBatch(decls: RecordDecl[], target: Target): Promise<string | null> {
  const laidOut = decls.map((decl) => ({ decl, layout: layoutRecord(decl, target) }));
  const { mismatches, errors } = await verifyLayouts(target, PRELUDE, laidOut);
  if (errors.length > 0) {
    const shown = errors.slice(0, 20).map((d) => `line ${d.line}: ${d.message}`);
    return `the compiler rejected the generated C:\n${shown.join('\n')}\n\nC of the batch:\n${PRELUDE}\n${renderRecords(decls)}`;
  }
  if (mismatches.length === 0) return null;
  const lines = mismatches.map((m) => `  ${m.label}: engine ${m.engine}, compiler ${m.compiler}`);
  const involved = decls.filter((d) => mismatches.some((m) => m.record === d.name));
  return `${mismatches.length} mismatches:\n${lines.join('\n')}\n\nC of the records involved:\n${renderRecords(involved)}`;
}

// ---- One test per target ----

const targets = loadTargets(join(ROOT, 'specs')).targets;

/** The target's compiler; a missing one skips the target (hasCompilerFor throws instead under CI, where every target must be checked). */
function compilerOrSkip(target: Target, ctx: TestContext): Compiler {
  if (!hasCompilerFor(target)) return ctx.skip(`no compiler for ${target.name}`);
  return compilerFor(target);
}

/**
 * Constructs a target's compiler is no oracle for. The Microsoft rule set is
 * checked against mingw GCC, whose -mms-bitfields layout the engine follows.
 * Where only clang exists (aarch64-w64-mingw32), its -mms-bitfields is a
 * partial emulation that departs from mingw GCC on `packed` records and
 * members, on zero-width bitfields under #pragma pack (it does not cap their
 * alignment, where mingw GCC and MSVC do), and on bitfields directly in unions
 * (it ignores their alignment, as MSVC does and mingw GCC does not), so
 * batches for it leave those out.
 */
function oracleExclusions(compiler: Compiler, target: Target): Exclusions {
  return compiler.kind === 'clang' && target.bitfields === 'msvc' ? { packed: true, unionBitfields: true, zeroWidthUnderPack: true } : NOTHING_EXCLUDED;
}

for (const target of targets) {
  it.concurrent(`${target.name}: layouts of random records equal the compiler's`, async (ctx) => {
    const compiler = compilerOrSkip(target, ctx);
    const exclude = oracleExclusions(compiler, target);
    const started = Date.now();
    const property = fc.asyncProperty(batchShape, async (shapes) => {
      const report = await checkBatch(buildBatch(shapes, target, exclude), target);
      if (report) throw new Error(report);
    });
    const result = await fc.check(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
    const failure = result.failed
      ? `${target.name} (${compiler.command}): ${(result.errorInstance as Error).message}\n` +
        `fast-check seed ${result.seed}, path ${result.counterexamplePath}; replay with SYSBIND_PROPERTY_SEED=${result.seed}`
      : null;
    expect(failure).toBeNull();
    console.log(`${target.name}: ${RUNS * BATCH} random records agree with ${[compiler.command, ...compiler.args].join(' ')} (${Date.now() - started} ms)`);
  }, 600_000);
}
