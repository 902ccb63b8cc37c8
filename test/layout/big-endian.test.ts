/**
 * The struct accessors the generator emits, run on bytes a real compiler
 * wrote, on a big-endian target (s390x) and on little-endian ones (arm64 LP64,
 * i386 ILP32) to show the check is not endian-blind.
 *
 * For every struct of specs/linux/types and some test-local ones (every
 * primitive, nested structs, arrays of numbers and of structs, byte strings,
 * big-endian fields, raw and buffer pointers, bitfields), a C program fills
 * each field with its own distinct value (of a union, its first member; where
 * members overlap, the first) and prints the struct's bytes; it is
 * cross-compiled with `<triple>-gcc -static` and run under the target's
 * qemu-user. The accessors (fieldAccessor's getter and setter code, built into
 * classes by accessor-classes.ts) must then read every value back from those
 * bytes, and setting every value on a zeroed struct must give the same bytes.
 *
 * A missing cross compiler or qemu skips a target with a message, except with
 * CI=true, where it fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { compileC } from '../../generator/audit/compile-c.js';
import { declaration, renderRecords } from '../../generator/layout/c-decl.js';
import { layoutRecord } from '../../generator/layout/engine.js';
import { resolveTargetStructs } from '../../generator/layout/target-structs.js';
import type { CType } from '../../generator/model/ctype.js';
import { StructArray } from '../../generated/runtime/struct.js';
import { fieldAccessor } from '../../generator/emit/ts-structs.js';
import { intInfoOf, type LinuxTargetModel } from '../../generator/spec/linux-model.js';
import { abiOf } from '../../generator/spec/targets.js';
import { loadLinuxSpecs } from '../../generator/spec/linux-specs.js';
import { loadTypeSpecs, resolveStructs, type StructModel } from '../../generator/spec/struct-specs.js';
import { loadTargets, type Target } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';
import { accessorClasses, type AccessorClass, type StructsModel } from './accessor-classes.js';

const TARGETS = ['linux-s390x', 'linux-arm64', 'linux-ia32'];

/** Test-local records: what the spec structs do not exercise yet. */
const LOCAL_TYPES = `
structs:
  t_inner:
    cname: null
    header: none.h
    fields:
      - a: unsigned char
      - b: long long
      - c: short
  t_mixed:
    cname: null
    header: none.h
    fields:
      - c: char
      - sc: signed char
      - uc: unsigned char
      - s: short
      - us: unsigned short
      - i: int
      - ui: unsigned int
      - l: long
      - ul: unsigned long
      - ll: long long
      - ull: unsigned long long
      - f: float
      - d: double
      - flag: _Bool
      - inner: struct t_inner
      - inners: struct t_inner[2]
      - shorts: short[3]
      - wides: unsigned long long[2]
      - octets: unsigned char[5]
      - label: char[7]
      - { name: port, type: unsigned short, byteOrder: big }
      - { name: addr, type: unsigned int, byteOrder: big }
      - { name: big64, type: unsigned long long, byteOrder: big }
      - p: void *
      - { struct: [ { x: int }, { y: char } ] }
  t_bits:
    cname: null
    header: none.h
    fields:
      - lead: unsigned char
      - { name: b1, type: unsigned int, bits: 3 }
      - { name: b2, type: int, bits: 5 }
      - { name: b3, type: unsigned int, bits: 17 }
      - { name: b4, type: unsigned short, bits: 9 }
      - { name: b5, type: int, bits: 32 }
      - { name: b6, type: unsigned char, bits: 1 }
      - { name: b7, type: short, bits: 7 }
      - tail: short
  t_buffers:
    cname: null
    header: none.h
    fields:
      - { name: base, type: void *, buffer: { length: len } }
      - len: unsigned long
      - { name: items, type: struct t_inner *, array: { length: count } }
      - count: unsigned int
`;

/**
 * Packed records whose bitfields' storage units (layoutRecord's FieldLayout)
 * fieldAccessor cannot read today: a 3-byte unit (a packed `short` bitfield
 * straddling every 2-byte unit) becomes getUint24, which DataView lacks; a
 * 4-byte unit in a 2-byte record reads past the struct's view.
 */
const PACKED_TYPES = `
structs:
  t_straddle:
    cname: null
    header: none.h
    packed: true
    fields:
      - { name: x, type: unsigned char, bits: 7 }
      - { name: y, type: unsigned short, bits: 10 }
  t_short_unit:
    cname: null
    header: none.h
    packed: true
    fields:
      - a: unsigned char
      - { name: z, type: unsigned int, bits: 4 }
`;

const matrix = loadTargets(join(ROOT, 'specs'));
const specs = loadLinuxSpecs(join(ROOT, 'specs'));
const scratch = mkdtempSync(join(tmpdir(), 'sysbind-endian-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// ---- What each field is set to ----

/** One thing to check: a value C stores at a path, read back by the getter and stored by the setter. */
interface Leaf {
  /** Property path from the outer struct object: ['inner', 'b'], ['inners', 1, 'a']. */
  path: (string | number)[];
  /** C statements that store the value in `*v`. */
  c: string[];
  /** What the getter must return; undefined for buffer pointers, whose getters return the JS buffer kept. */
  expected?: unknown;
  /**
   * How to set the value: a plain value, or a buffer at `address` of `length`
   * bytes (element null) or structs (a StructArray of the named struct).
   */
  set: { value: unknown } | { element: string | null; length: number; address: bigint } | null;
  /** Byte range of a field that has no setter: copied from C's bytes before setting the others. */
  copy?: [number, number];
}

class Planner {
  private next = 0;
  readonly leaves: Leaf[] = [];
  /** Byte ranges already given a value: a union's later members overlap its first, which alone is set. */
  private readonly occupied: [number, number][] = [];

  /** Claims [at, at + size) unless it is empty or overlaps a range already claimed. */
  private claim(at: number, size: number): boolean {
    if (size === 0 || this.occupied.some(([a, b]) => at < b && a < at + size)) return false;
    this.occupied.push([at, at + size]);
    return true;
  }

  constructor(
    private readonly model: StructsModel,
    private readonly target: Target,
  ) {}

  /** Distinct per call: bytes differ within a value and between values; odd calls set the top bit. */
  private integer(bits: number, signed: boolean): bigint {
    const k = this.next++;
    let u = 0n;
    for (let i = 0; i < bits / 8; i++) u = (u << 8n) | BigInt(((0x21 + 0x35 * k + 0x17 * i) & 0x7f) | (i === 0 && k % 2 === 1 ? 0x80 : 0));
    return signed ? BigInt.asIntN(bits, u) : u;
  }

  record(s: StructModel, path: (string | number)[], cPath: string, base: number): void {
    const layout = this.model.layouts.get(s.name)!;
    const lengths = new Map<string, number>();
    for (const meta of s.fields.values()) {
      const len = meta.buffer?.length ?? meta.array?.length;
      if (len !== undefined) lengths.set(len, 2 + lengths.size);
    }
    for (const f of layout.fields) {
      const acc = fieldAccessor(this.model as LinuxTargetModel, s, f);
      if (!acc) continue; // not exposed (a flexible array member)
      const p = [...path, f.name];
      const c = `${cPath}.${f.name}`;
      const meta = s.fields.get(f.name);
      const t = f.type;
      const isRecord = t.kind === 'record' || (t.kind === 'array' && t.of.kind === 'record');
      if (f.bits === undefined && !isRecord && !(t.kind === 'array' && t.length === null) && !this.claim(base + f.offset, f.size)) continue;
      if (f.bits !== undefined) {
        const info = intInfoOf(t, this.model.abi)!;
        const raw = BigInt.asUintN(f.bits, this.integer(32, false) | (1n << BigInt(f.bits - 1)));
        const value = Number(info.signed ? BigInt.asIntN(f.bits, raw) : raw);
        this.leaves.push({ path: p, c: [`${c} = ${value};`], expected: value, set: { value } });
      } else if (t.kind === 'pointer' && (meta?.buffer || meta?.array)) {
        const length = lengths.get((meta.buffer ?? meta.array)!.length)!;
        const address = this.integer(this.pointerBits(), false);
        const lengthField = (meta.buffer ?? meta.array)!.length;
        const element = typeof t.to === 'object' && t.to.kind === 'record' ? t.to.decl.name : null;
        this.leaves.push({ path: p, c: [`${c} = (void *)${hex(address)};`, `${cPath}.${lengthField} = ${length};`], set: { element, length, address } });
      } else if (t.kind === 'pointer') {
        const address = this.integer(this.pointerBits(), false);
        this.leaves.push({ path: p, c: [`${c} = (void *)${hex(address)};`], expected: js(address, acc.tsType), set: null, copy: [base + f.offset, f.size] });
      } else if (t.kind === 'prim' || t.kind === 'enum') {
        const length = lengths.get(f.name);
        if (length !== undefined) {
          this.leaves.push({ path: p, c: [], expected: js(BigInt(length), acc.tsType), set: { value: js(BigInt(length), acc.tsType) } });
          continue;
        }
        const value = this.scalar(t);
        const stored = meta?.byteOrder && meta.byteOrder !== this.target.endian && typeof value === 'bigint' ? byteSwap(value, f.size) : value;
        this.leaves.push({ path: p, c: [`${c} = ${cLiteral(stored, t)};`], expected: js(value, acc.tsType), set: { value: js(value, acc.tsType) } });
      } else if (t.kind === 'record') {
        this.record(this.structNamed(t.decl.name), p, c, base + f.offset);
      } else if (t.kind === 'array' && t.of.kind === 'record') {
        const element = this.structNamed(t.of.decl.name);
        const size = this.model.layouts.get(element.name)!.size;
        for (let i = 0; i < (t.length ?? 0); i++) this.record(element, [...p, i], `${c}[${i}]`, base + f.offset + i * size);
      } else if (t.kind === 'array' && t.length === null && acc.tsType === 'string') {
        // A flexible char array: the string runs past the struct's size into the bytes after it.
        const text = `s${this.next++}-abcdefghijklmnop`;
        const at = base + f.offset;
        this.leaves.push({ path: p, c: [`__builtin_memcpy(${c}, ${JSON.stringify(text)}, ${text.length + 1});`], expected: text, set: null, copy: [at, layout.size - at] });
      } else if (t.kind === 'array' && acc.tsType === 'string') {
        const text = `s${this.next++}-abcdefghijklmnopqrstuvwxyz`.slice(0, (t.length ?? 1) - 1);
        this.leaves.push({ path: p, c: [`__builtin_memcpy(${c}, ${JSON.stringify(text)}, ${text.length + 1});`], expected: text, set: { value: text } });
      } else if (t.kind === 'array') {
        const values = Array.from({ length: t.length ?? 0 }, () => this.scalar(t.of));
        const stores = values.map((v, i) => `${c}[${i}] = ${cLiteral(v, t.of)};`);
        const expected = acc.tsType === 'Uint8Array' ? Uint8Array.from(values.map(Number)) : values.map((v) => js(v, acc.tsType.replace('[]', '')));
        this.leaves.push({ path: p, c: stores, expected, set: { value: expected } });
      } else {
        throw new Error(`no test value for ${s.name}.${f.name}`);
      }
    }
  }

  private scalar(t: CType): bigint | number {
    if (t.kind === 'prim' && (t.name === 'float' || t.name === 'double')) return this.next++ + (t.name === 'float' ? 0.5 : 0.25);
    if (t.kind === 'prim' && t.name === '_Bool') return BigInt(this.next++ % 2);
    const info = intInfoOf(t, this.model.abi)!;
    return this.integer(info.bits, info.signed);
  }

  private pointerBits(): number {
    return this.model.abi.dataModel === 'ILP32' ? 32 : 64;
  }

  private structNamed(name: string): StructModel {
    return this.model.structs.find((x) => x.name === name)!;
  }
}

/** The value as the accessor's TS type has it. */
function js(v: bigint | number, tsType: string): unknown {
  if (typeof v === 'number') return v;
  return tsType === 'bigint' ? v : Number(v);
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}ULL`;
}

/** A C expression of type `t` with value `v` (integers wrap to the type's width, as C converts). */
function cLiteral(v: bigint | number, t: CType): string {
  if (typeof v === 'number') return String(v);
  return `(${declaration(t, '')})${hex(BigInt.asUintN(64, v))}`;
}

function byteSwap(v: bigint, size: number): bigint {
  let u = BigInt.asUintN(size * 8, v);
  let out = 0n;
  for (let i = 0; i < size; i++, u >>= 8n) out = (out << 8n) | (u & 0xffn);
  return out;
}

// ---- Running C on the target ----

interface Case {
  struct: StructModel;
  leaves: Leaf[];
}

/** Bytes printed after each struct, where a flexible array member's contents go. */
const SPARE = 32;

/**
 * Compiles and runs one program that fills and prints every struct (zeroed
 * first, in a static union with SPARE more bytes); returns each struct's
 * bytes followed by the SPARE ones.
 */
async function bytesFromC(target: Target, model: StructsModel, cases: Case[]): Promise<Map<string, Uint8Array>> {
  const main = cases.map(({ struct, leaves }) => {
    const type = `${struct.kind} ${struct.name}`;
    return [
      `  { static union { ${type} s; unsigned char b[sizeof(${type}) + ${SPARE}]; } u; ${type} *v = &u.s;`,
      ...leaves.flatMap((l) => l.c.map((s) => `    ${s}`)),
      `    dump("${struct.name}", sizeof *v, v); }`,
    ].join('\n');
  });
  const source = [
    'extern int printf(const char *, ...);',
    renderRecords(cases.map((c) => c.struct.decl)),
    'static void dump(const char *name, unsigned long n, const void *p) {',
    '  printf("%s %lu ", name, n);',
    `  for (unsigned long i = 0; i < n + ${SPARE}; i++) printf("%02x", ((const unsigned char *)p)[i]);`,
    '  printf("\\n");',
    '}',
    'int main(void) {',
    ...main,
    '  return 0;',
    '}',
  ].join('\n');
  const exe = join(scratch, `${target.name}-${cases[0]!.struct.name}`);
  const compiled = await compileC({ target, source, mode: 'executable', output: exe, args: ['-static', '-O1'] });
  if (!compiled.ok) throw new Error(`${target.triple}-gcc failed:\n${compiled.stderr}\n${source}`);
  const run = target.emulator ? spawnSync(target.emulator.command, [exe], { encoding: 'utf8' }) : spawnSync(exe, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`running ${exe} failed: ${run.stderr}${run.error?.message ?? ''}`);
  const out = new Map<string, Uint8Array>();
  for (const line of run.stdout.trim().split('\n')) {
    const [name, size, bytes] = line.split(' ');
    expect(Number(size), `sizeof(${name}) on ${target.name}`).toBe(model.layouts.get(name!)!.size);
    out.set(name!, Uint8Array.from(Buffer.from(bytes!, 'hex')));
  }
  return out;
}

/** Why a target cannot be run here, or undefined when it can. */
function missingTools(target: Target): string | undefined {
  const needed = [`${target.triple}-gcc`, ...(target.emulator ? [target.emulator.command] : [])];
  const absent = needed.filter((cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0);
  if (absent.length === 0) return undefined;
  return `${absent.join(' and ')} not installed (Debian packages gcc-${target.triple} qemu-user-static)`;
}

function skipUnlessCi(ctx: TestContext, reason: string): void {
  if (process.env.CI === 'true') throw new Error(reason);
  console.warn(`skipping: ${reason}`);
  ctx.skip(reason);
}

// ---- Checking the accessors against C's bytes ----

/** Every getter against the values C stored, and every setter against the bytes C produced. */
function check(struct: StructModel, leaves: Leaf[], bytes: Uint8Array, classes: Map<string, AccessorClass>, addresses: Map<Uint8Array, bigint>): string[] {
  const Cls = classes.get(struct.name)!;
  const problems: string[] = [];
  const at = (obj: unknown, path: (string | number)[]) => path.reduce<unknown>((o, key) => (o as Record<string | number, unknown>)[key], obj);
  const label = (l: Leaf) => `${struct.name}.${l.path.join('.')}`;

  const read = new Cls(bytes.slice());
  const size = read.bytes.length;
  for (const l of leaves) {
    if (l.expected === undefined) continue;
    try {
      const actual = at(read, l.path);
      if (show(actual) !== show(l.expected)) problems.push(`${label(l)}: getter read ${show(actual)}, C stored ${show(l.expected)}`);
    } catch (e) {
      problems.push(`${label(l)}: getter threw ${String(e)}`);
    }
  }

  const written = new Cls(new Uint8Array(size));
  for (const l of leaves) if (l.copy) written.bytes.set(bytes.subarray(l.copy[0], l.copy[0] + l.copy[1]), l.copy[0]);
  for (const l of leaves) {
    if (l.set === null) continue;
    const parent = at(written, l.path.slice(0, -1)) as Record<string | number, unknown>;
    let value: unknown;
    if ('value' in l.set) value = l.set.value;
    else if (l.set.element === null) value = new Uint8Array(l.set.length);
    else value = new StructArray(classes.get(l.set.element)!, l.set.length);
    if (!('value' in l.set)) addresses.set(value instanceof StructArray ? value.bytes : (value as Uint8Array), l.set.address);
    try {
      parent[l.path.at(-1)!] = value;
    } catch (e) {
      problems.push(`${label(l)}: setter threw ${String(e)}`);
    }
  }
  const diff = [...written.bytes.keys()].filter((i) => bytes[i] !== written.bytes[i]);
  if (diff.length > 0) problems.push(`${struct.name}: setters wrote bytes ${diff.join(',')} as ${hexOf(written.bytes, diff)}, C has ${hexOf(bytes, diff)}`);
  return problems;
}

/** Values compared by their printed form: bigints, numbers, strings, byte arrays and arrays of them. */
function show(v: unknown): string {
  return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? [...x] : x));
}

function hexOf(bytes: Uint8Array, indexes: number[]): string {
  return indexes.map((i) => bytes[i]!.toString(16).padStart(2, '0')).join(' ');
}

// ---- The tests ----

function structsModel(target: Target, structs: Map<string, StructModel>): StructsModel {
  const abi = abiOf(target);
  const list = [...structs.values()];
  return { target, abi, structs: list, layouts: new Map(list.map((s) => [s.name, layoutRecord(s.decl, abi)])) };
}

function localStructs(target: Target, yaml: string, name: string): Map<string, StructModel> {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  writeFileSync(join(dir, `${name}.yaml`), yaml);
  return resolveStructs(loadTypeSpecs(dir), target);
}

/** Plans, compiles, runs and checks every struct of `model`; returns the problems found per struct. */
async function roundTrip(ctx: TestContext, target: Target, model: StructsModel): Promise<Map<string, string[]> | undefined> {
  const missing = missingTools(target);
  if (missing) {
    skipUnlessCi(ctx, `${target.name}: ${missing}`);
    return undefined;
  }
  const cases = model.structs.map((struct) => {
    const planner = new Planner(model, target);
    planner.record(struct, [], '(*v)', 0);
    return { struct, leaves: planner.leaves };
  });
  const bytes = await bytesFromC(target, model, cases);
  const addresses = new Map<Uint8Array, bigint>();
  const classes = accessorClasses(model, {
    addressOf: (b) => {
      const a = addresses.get(b);
      if (a === undefined) throw new Error('addressOf called with an unknown buffer');
      return a;
    },
  });
  return new Map(cases.map((c) => [c.struct.name, check(c.struct, c.leaves, bytes.get(c.struct.name)!, classes, addresses)]));
}

describe.each(TARGETS)('struct accessors on %s', (name) => {
  const target = matrix.get(name);

  it(`read and write every field of the spec structs as ${target.triple}-gcc lays them out (${target.endian}-endian)`, async (ctx) => {
    const model = structsModel(target, resolveTargetStructs(specs, target).structs);
    const problems = await roundTrip(ctx, target, model);
    if (!problems) return;
    expect(problems.size).toBeGreaterThan(10);
    expect([...problems.values()].flat()).toEqual([]);
  });

  it('read and write primitives, nested structs, arrays, big-endian fields, pointers and bitfields', async (ctx) => {
    const problems = await roundTrip(ctx, target, structsModel(target, localStructs(target, LOCAL_TYPES, 'local')));
    if (!problems) return;
    expect([...problems.values()].flat()).toEqual([]);
  });

  it('read and write bitfields of packed records (storage units of 3 bytes, units past the record end)', async (ctx) => {
    const problems = await roundTrip(ctx, target, structsModel(target, localStructs(target, PACKED_TYPES, 'packed')));
    if (!problems) return;
    expect([...problems.values()].flat()).toEqual([]);
  });
});
