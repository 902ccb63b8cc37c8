/**
 * Resolves the Linux specs for one target into the model the emitters take:
 * bound syscalls with classified parameters, struct declarations with their
 * layouts, and constants. Every cross-reference is checked here, so emitters
 * never meet a dangling name.
 */
import { EmitError, SpecError, type Place } from '../errors.js';
import { layoutRecord, sizeAlignOf } from '../layout/engine.js';
import type { AbiFacts, CType, RecordLayout } from '../model/ctype.js';
import type { IntInfo, ParamKind, ParamModel, ReturnModel, SyscallModel } from '../model/syscall.js';
import { resolveType, TypeParseError, type TypeScope } from './ctype-parse.js';
import { checkDangerNames, dangerOf } from './danger.js';
import { deriveSemantics } from './derive-semantics.js';
import type { ConstantEntry, LinuxSpecs } from './linux-specs.js';
import type { ParamSemantics, SyscallSemantics } from './semantics.js';
import { resolveStructs, type StructModel } from './struct-specs.js';
import type { SourceFile } from './source-file.js';
import { checkSelectors, pickBySelector } from './selectors.js';
import { abiOf, type Target } from './targets.js';


export interface ConstantFamilyModel {
  name: string;
  follows: 'kernel' | 'glibc';
  headers: string[];
  constants: ConstantEntry[];
}

export interface LinuxTargetModel {
  target: Target;
  abi: AbiFacts;
  syscalls: SyscallModel[];
  /** Semantics entries not bound on this target, with why. */
  skipped: SkippedSyscall[];
  structs: StructModel[];
  layouts: Map<string, RecordLayout>;
  constants: ConstantFamilyModel[];
  /** Spec files this model was built from (for the generated-file banner). */
  inputs: string[];
  kernel: string;
}


/** A struct's layout on the model's target, computed once when the model was built. */
export function layoutOf(model: Pick<LinuxTargetModel, 'layouts' | 'target'>, s: StructModel): RecordLayout {
  const layout = model.layouts.get(s.name);
  if (!layout) throw new EmitError(`struct ${s.name} has no layout on ${model.target.name}: it is not a struct of this target's model`);
  return layout;
}

/** The kernel typedefs (specs/linux/kernel-typedefs.yaml) as they read on one target. */
export function kernelTypedefsFor(specs: Pick<LinuxSpecs, 'typedefs'>, target: Target): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, t] of Object.entries(specs.typedefs.data.typedefs)) {
    out.set(name, pickBySelector(t.byArch, target)?.value ?? pickBySelector(t.byDataModel, target)?.value ?? t.type);
  }
  return out;
}

export function intInfoOf(type: CType, abi: AbiFacts): IntInfo | undefined {
  if (type.kind === 'pointer') return { bits: sizeAlignOf(type, abi).size === 8 ? 64 : 32, signed: false };
  if (type.kind === 'enum') return { bits: 32, signed: true };
  if (type.kind !== 'prim' || type.name === 'float' || type.name === 'double') return undefined;
  const bits = (sizeAlignOf(type, abi).size * 8) as IntInfo['bits'];
  const signed = type.name === 'char' ? abi.charSigned : !type.name.startsWith('unsigned') && type.name !== '_Bool';
  return { bits, signed };
}

export interface SkippedSyscall {
  name: string;
  reason: string;
  /**
   * refused: danger.yaml says no call from JavaScript can be correct;
   * not-implemented: the target's kernel has no entry point (or sys_ni_syscall);
   * skipped: semantics.yaml skips it here, with a reason;
   * not-expressible: its prototype has a type the binding cannot take.
   */
  why: 'refused' | 'not-implemented' | 'skipped' | 'not-expressible';
}

export function buildLinuxModel(specs: LinuxSpecs, target: Target): LinuxTargetModel {
  const abi = abiOf(target);
  const table = specs.table(target);
  const constants = specs.constants(target);
  const typedefs = kernelTypedefsFor(specs, target);
  const structs = resolveStructs(specs.types, target, typedefs);
  const layouts = new Map<string, RecordLayout>();
  for (const s of structs.values()) layouts.set(s.name, layoutRecord(s.decl, abi));

  const scope: TypeScope = {
    typedef: (name) => specs.types.typedefs.get(name)?.type ?? typedefs.get(name),
    record: (tag) => structs.get(tag)?.decl,
  };
  const byName = new Map(table.data.syscalls.map((s) => [s.name, s]));
  const sem = specs.semantics;
  const constantValues = new Map<string, number>();
  for (const fam of Object.values(constants.data.families)) for (const c of fam.constants) if (typeof c.value === 'number') constantValues.set(c.name, c.value);

  const syscalls: SyscallModel[] = [];
  const skipped: SkippedSyscall[] = [];
  for (const [name, entrySemantics] of Object.entries(sem.data.syscalls)) {
    const place = sem.at(['syscalls', name]);
    // A typed form of a multiplexed call (ioctl_TCGETS) binds the call it names.
    const kernel = entrySemantics.syscall ?? name;
    const row = byName.get(kernel);
    if (!row) continue; // not a syscall on this target (e.g. poll on arm64); checkSemanticsNames reports typos
    const skipReason = pickBySelector(entrySemantics.skip, target)?.value;
    if (skipReason) {
      skipped.push({ name, reason: skipReason, why: 'skipped' });
      continue;
    }
    if (!row.entry || row.entry === 'sys_ni_syscall') {
      skipped.push({ name, reason: `not implemented on ${target.name} (no entry point, or sys_ni_syscall)`, why: 'not-implemented' });
      continue;
    }
    const danger = dangerOf(specs.danger, name);
    if (danger?.class === 'refused') {
      skipped.push({ name, reason: `refused: ${danger.reason}`, why: 'refused' });
      continue;
    }
    const archEntry = pickBySelector(entrySemantics.byArch, target);
    const archParams = archEntry?.value.params;
    const semantics: SyscallSemantics = archParams ? { ...entrySemantics, params: archParams } : entrySemantics;
    const generic = specs.prototypes.data.prototypes[row.entry];
    const proto = pickBySelector(generic?.byArch, target)?.value ?? generic;
    if (!proto) throw new SpecError(`no prototype for entry point '${row.entry}' of syscall '${name}'`, place);
    const paramsPath = archEntry ? ['syscalls', name, 'byArch', archEntry.key, 'params'] : ['syscalls', name, 'params'];
    const missingConstant = Object.values(semantics.params ?? {}).find((p): p is { constant: string } => typeof p === 'object' && 'constant' in p && !constantValues.has(p.constant));
    if (missingConstant) {
      skipped.push({ name, reason: `${missingConstant.constant} is not defined on ${target.name}`, why: 'skipped' });
      continue;
    }
    const ctx: Ctx = { name, place, sem, abi, scope, structs, layouts, semantics, target, paramsPath, constants: constantValues };
    for (const key of Object.keys(semantics.params ?? {})) {
      if (!proto.params.some((p) => p.name === key)) {
        throw new SpecError(
          `syscall '${name}' has no parameter '${key}' (prototype ${row.entry}(${proto.params.map((p) => p.name).join(', ')}))`,
          sem.at([...paramsPath, key]),
        );
      }
    }
    const params = proto.params.map((p) => classifyParam(ctx, p.name, p.type));
    linkDerived(ctx, params);
    const returns = classifyReturn(ctx, params, byName);
    syscalls.push({
      name: danger ? `unsafe_${name}` : name,
      ...(danger ? { kernelName: name, unsafeReason: danger.reason, unsafeClass: 'danger' as const } : {}),
      ...(kernel !== name ? { kernelName: kernel, formOf: kernel } : {}),
      invoke: { via: 'syscall', nr: row.nr, entry: row.entry },
      params,
      returns,
      blocking: semantics.blocking ?? false,
      doc: semantics.doc,
      place,
    });
  }
  syscalls.push(...bindUnannotated(specs, target, byName, scope, abi, structs, layouts, skipped));
  syscalls.sort((a, b) => a.name.localeCompare(b.name));
  // A variant is exported under its portable name only where that name is not bound itself.
  const bound = new Set(syscalls.map((s) => s.name));
  for (const s of syscalls) {
    const as = sem.data.syscalls[s.name]?.exportAs;
    if (as && !bound.has(as)) s.alias = as;
  }

  const families = Object.entries(constants.data.families).map(([name, f]) => ({ name, ...f }));
  // Every constant is exported by name from one module: a name two families define would collide.
  const familyOf = new Map<string, string>();
  for (const fam of families) {
    fam.constants.forEach((c, i) => {
      const first = familyOf.get(c.name);
      if (first !== undefined) throw new SpecError(`constant '${c.name}' is in family '${first}' and again in '${fam.name}'`, constants.at(['families', fam.name, 'constants', i]));
      familyOf.set(c.name, fam.name);
    });
  }
  return {
    target,
    abi,
    syscalls,
    structs: [...structs.values()].sort((a, b) => a.name.localeCompare(b.name)),
    layouts,
    constants: families,
    skipped,
    inputs: [table.file, specs.prototypes.file, specs.typedefs.file, sem.file, constants.file, ...specs.types.files],
    kernel: table.data.source.kernel,
  };
}

const JS_RESERVED = new Set(['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'export', 'extends', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'return', 'super', 'switch', 'this', 'throw', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'enum', 'await', 'implements', 'package', 'protected', 'interface', 'private', 'public']);

/**
 * Every syscall the semantics do not describe still gets a binding from its
 * prototype: integers typed by their C type, pointers as raw addresses. A call
 * with any pointer parameter is `unsafe` (nothing can check what the kernel
 * will read or write there) and is exported as unsafe_<name>. Calls that
 * cannot be bound this way are listed as skipped with the reason.
 */
function bindUnannotated(
  specs: LinuxSpecs,
  target: Target,
  table: Map<string, { name: string; nr: number; entry?: string | null }>,
  scope: TypeScope,
  abi: AbiFacts,
  structs: Map<string, StructModel>,
  layouts: Map<string, RecordLayout>,
  skipped: SkippedSyscall[],
): SyscallModel[] {
  const out: SyscallModel[] = [];
  const sem = specs.semantics;
  for (const row of table.values()) {
    if (row.name in sem.data.syscalls) continue;
    const generic = row.entry ? specs.prototypes.data.prototypes[row.entry] : undefined;
    const proto = pickBySelector(generic?.byArch, target)?.value ?? generic;
    if (!row.entry || row.entry === 'sys_ni_syscall' || !proto) {
      const implemented = row.entry && row.entry !== 'sys_ni_syscall';
      skipped.push({ name: row.name, reason: implemented ? `no prototype for ${row.entry}` : 'not implemented on this target', why: implemented ? 'not-expressible' : 'not-implemented' });
      continue;
    }
    const danger = dangerOf(specs.danger, row.name);
    if (danger?.class === 'refused') {
      skipped.push({ name: row.name, reason: `refused: ${danger.reason}`, why: 'refused' });
      continue;
    }
    const place = specs.table(target).at(['syscalls', specs.table(target).data.syscalls.findIndex((x) => x.name === row.name)]);
    const ctx: Ctx = { name: row.name, place, sem, abi, scope, structs, layouts, semantics: {}, target, paramsPath: [] };
    const jsName = JS_RESERVED.has(row.name) ? `${row.name}_` : row.name;
    const derived = danger ? undefined : bindDerived(ctx, proto.params, jsName, row, table);
    if (derived && !('why' in derived)) {
      out.push(derived);
      continue;
    }
    try {
      let unsafe = false;
      let registers = 0;
      const params = proto.params.map((p, i): ParamModel => {
        const name = p.name && !JS_RESERVED.has(p.name) ? p.name : `arg${i}`;
        const ctype = cTypeOf(ctx, name, p.type);
        if (ctype.kind === 'pointer') {
          unsafe = true;
          registers++;
          return { name, cType: p.type, kind: { kind: 'address' } };
        }
        const int = intInfoOf(ctype, abi);
        if (!int) throw new SpecError(`parameter '${name}' has C type '${p.type}', which is neither an integer nor a pointer`, place);
        if (int.bits === 64 && target.dataModel === 'ILP32') {
          // Two registers, starting on an even one where the ABI says so (see cpp-binding registers()).
          if (target.syscallPairAlign === 'even' && registers % 2 === 1) registers++;
          registers += 2;
        } else registers++;
        return { name, cType: p.type, kind: { kind: 'int', int } };
      });
      if (registers > 6) throw new SpecError(`needs more than six registers on ${target.name}`, place);
      // An undescribed call says what the prototype left open (derive-semantics.ts), so the list of them is a list of reasons.
      const why = derived && 'why' in derived && derived.why ? `: ${derived.why}` : '';
      const reason = danger?.reason ?? (unsafe ? `a pointer parameter is passed as a raw address (no semantics entry describes it${why})` : undefined);
      out.push({
        name: reason ? `unsafe_${jsName}` : jsName,
        kernelName: row.name,
        ...(reason ? { unsafeReason: reason, unsafeClass: danger ? ('danger' as const) : ('undescribed' as const) } : {}),
        invoke: { via: 'syscall', nr: row.nr, entry: row.entry },
        params,
        returns: { kind: 'number' },
        blocking: false,
        place,
        unannotated: true,
      });
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      skipped.push({ name: row.name, reason: e.message.replace(/^.*?: /, ''), why: 'not-expressible' });
    }
  }
  return out;
}

/**
 * The safe form of an unannotated syscall whose prototype says what each
 * pointer is (derive-semantics.ts), or why not: then the call is bound as
 * unsafe_<name> with raw addresses (and no reason where it has no pointer).
 */
function bindDerived(ctx: Ctx, protoParams: { name: string; type: string }[], jsName: string, row: { nr: number; entry?: string | null }, table: Map<string, { nr: number }>): SyscallModel | { why: string } {
  const named = protoParams.map((p, i) => ({ name: p.name && !JS_RESERVED.has(p.name) ? p.name : `arg${i}`, text: p.type }));
  let isInteger: boolean[];
  let pointsToInteger: boolean[];
  try {
    const types = named.map((p) => cTypeOf(ctx, p.name, p.text));
    isInteger = types.map((t) => t.kind !== 'pointer');
    pointsToInteger = types.map((t) => t.kind === 'pointer' && typeof t.to === 'object' && intInfoOf(t.to, ctx.abi) !== undefined);
  } catch (e) {
    if (e instanceof SpecError) return { why: e.message };
    throw e;
  }
  if (isInteger.every(Boolean)) return { why: '' }; // integers only: the plain unannotated form is already safe
  const derivation = deriveSemantics(named.map((p, i) => ({ ...p, isInteger: isInteger[i]!, pointsToInteger: pointsToInteger[i]! })), (base) => derivableStruct(ctx, base));
  if ('why' in derivation) return derivation;
  const dctx: Ctx = { ...ctx, semantics: derivation.semantics, derived: true };
  try {
    const params = named.map((p) => classifyParam(dctx, p.name, p.text));
    linkDerived(dctx, params);
    return {
      name: jsName,
      kernelName: ctx.name,
      invoke: { via: 'syscall', nr: row.nr, entry: row.entry! },
      params,
      returns: classifyReturn(dctx, params, table),
      blocking: false,
      doc: `Derived from the kernel's prototype: ${derivation.notes.join('; ')}.`,
      place: ctx.place,
      unannotated: true,
      derived: true,
    };
  } catch (e) {
    if (e instanceof SpecError) return { why: e.message };
    throw e;
  }
}

/** The struct sysbind declares for a pointee's type name: by tag, C name, kernel name, or a kernel typedef naming one. */
function derivableStruct(ctx: Ctx, base: string, seen = 0): StructModel | undefined {
  const tag = /^(?:struct|union) (\w+)$/.exec(base)?.[1];
  for (const s of ctx.structs.values()) {
    if (tag !== undefined && (s.name === tag || s.cname === base || s.kernelNames.includes(tag))) return s;
    if (tag === undefined && s.kernelNames.includes(base)) return s;
  }
  const def = tag === undefined ? ctx.scope.typedef(base) : undefined;
  return def !== undefined && seen < 4 ? derivableStruct(ctx, def.trim(), seen + 1) : undefined;
}

/** A semantics or danger entry that names a syscall no target knows is a typo. */
export function checkSemanticsNames(specs: LinuxSpecs, targets: Target[]): void {
  const known = new Set<string>();
  for (const t of targets) for (const s of specs.table(t).data.syscalls) known.add(s.name);
  checkDangerNames(specs.danger, known, targets);
  for (const [name, entry] of Object.entries(specs.semantics.data.syscalls)) {
    if (entry.syscall !== undefined) {
      if (known.has(name)) throw new SpecError(`'${name}' is a syscall itself; a typed form (syscall: ${entry.syscall}) needs a name of its own`, specs.semantics.at(['syscalls', name]));
      if (!known.has(entry.syscall)) throw new SpecError(`'${name}': syscall '${entry.syscall}' is not a syscall on any target`, specs.semantics.at(['syscalls', name, 'syscall']));
      continue;
    }
    if (!known.has(name)) {
      throw new SpecError(`'${name}' is not a syscall on any target (${targets.map((t) => t.name).join(', ')})`, specs.semantics.at(['syscalls', name]));
    }
  }
  checkSpecSelectors(specs, targets);
}

/**
 * A per-target key that selects no target would silently do nothing: a typo, or
 * a target since removed. Every selector key of semantics.yaml (skip, byArch),
 * kernel-typedefs.yaml (byArch, byDataModel) and prototypes.json (byArch), and
 * every `when:` selector of specs/linux/types, must name a Linux target
 * (spec/selectors.ts).
 */
function checkSpecSelectors(specs: LinuxSpecs, targets: Target[]): void {
  const sections: { file: SourceFile<object>; section: string; entries: object; kinds: string[] }[] = [
    { file: specs.semantics, section: 'syscalls', entries: specs.semantics.data.syscalls, kinds: ['skip', 'byArch'] },
    { file: specs.typedefs, section: 'typedefs', entries: specs.typedefs.data.typedefs, kinds: ['byArch', 'byDataModel'] },
    { file: specs.prototypes, section: 'prototypes', entries: specs.prototypes.data.prototypes, kinds: ['byArch'] },
  ];
  for (const { file, section, entries, kinds } of sections) {
    for (const [name, entry] of Object.entries(entries as Record<string, Record<string, object | undefined>>)) {
      for (const kind of kinds) {
        checkSelectors(Object.keys(entry[kind] ?? {}), targets, `${name}: ${kind} key`, (key) => file.at([section, name, kind, key]));
      }
    }
  }
  for (const [name, { spec, source, kind }] of specs.types.records) {
    (spec.variants ?? []).forEach((v, i) => {
      const at = [kind === 'struct' ? 'structs' : 'unions', name, 'variants', i, 'when'];
      checkSelectors(v.when ?? [], targets, `${name}: when selector`, (sel) => source.at([...at, v.when!.indexOf(sel)]));
    });
  }
}

interface Ctx {
  name: string;
  place: Place;
  sem: LinuxSpecs['semantics'];
  abi: AbiFacts;
  scope: TypeScope;
  structs: Map<string, StructModel>;
  layouts: Map<string, RecordLayout>;
  semantics: SyscallSemantics;
  target: Target;
  /** Path of the params map in semantics.yaml in force for this target (the byArch one where given). */
  paramsPath: (string | number)[];
  /** The semantics were derived from the prototype (derive-semantics.ts): errors point at the syscall table row. */
  derived?: boolean;
  /** The target's constants by name, for `constant` parameters. */
  constants?: Map<string, number>;
}

function paramPlace(ctx: Ctx, param: string): Place {
  if (ctx.derived) return ctx.place;
  return ctx.sem.at([...ctx.paramsPath, param]);
}

function cTypeOf(ctx: Ctx, param: string, text: string): CType {
  try {
    return resolveType(text, ctx.scope);
  } catch (e) {
    if (e instanceof TypeParseError) throw new SpecError(`syscall '${ctx.name}', parameter '${param}': ${e.message}`, ctx.place);
    throw e;
  }
}

function structOf(ctx: Ctx, param: string, name: string): StructModel {
  const s = ctx.structs.get(name);
  if (!s) throw new SpecError(`unknown struct '${name}' for parameter '${param}' of '${ctx.name}' on ${ctx.target.name}`, paramPlace(ctx, param));
  return s;
}

function classifyParam(ctx: Ctx, name: string, cTypeText: string): ParamModel {
  const s: ParamSemantics | undefined = ctx.semantics.params?.[name];
  const ctype = cTypeOf(ctx, name, cTypeText);
  // The kernel passes some addresses as unsigned long (mmap, munmap, mprotect): a
  // pointer-sized integer may carry any pointer-like annotation.
  const isPointer =
    ctype.kind === 'pointer' || (ctype.kind === 'prim' && ctype.name === 'unsigned long' && sizeAlignOf(ctype, ctx.abi).size === sizeAlignOf({ kind: 'pointer', to: 'void' }, ctx.abi).size);
  const need = (want: 'pointer' | 'integer') => {
    const ok = want === 'pointer' ? isPointer : intInfoOf(ctype, ctx.abi) !== undefined;
    if (!ok) throw new SpecError(`parameter '${name}' of '${ctx.name}' has C type '${cTypeText}', which is not ${want === 'pointer' ? 'a pointer' : 'an integer'}`, paramPlace(ctx, name));
  };
  const int = () => {
    const info = intInfoOf(ctype, ctx.abi);
    if (!info) throw new SpecError(`parameter '${name}' of '${ctx.name}' has C type '${cTypeText}', which is not an integer; annotate it in semantics`, s ? paramPlace(ctx, name) : ctx.place);
    return info;
  };
  let kind: ParamKind;
  if (s === undefined) {
    if (ctype.kind === 'pointer') throw new SpecError(`pointer parameter '${name}' (${cTypeText}) of '${ctx.name}' needs a semantics annotation`, ctx.place);
    kind = { kind: 'int', int: int() };
  } else if (s === 'fd') {
    int(); // must be an integer type; an fd is a C int whatever width the prototype gives it
    kind = { kind: 'fd', int: { bits: 32, signed: true } };
  } else if (s === 'path' || s === 'string' || 'path' in s || 'string' in s) {
    need('pointer');
    const isPath = s === 'path' || (typeof s === 'object' && 'path' in s);
    kind = { kind: 'string', isPath, optional: typeof s === 'object' && 'optional' in s ? !!s.optional : false };
  } else if ('buffer' in s) {
    need('pointer');
    if ([s.length, s.lengthCell, s.pages].filter(Boolean).length !== 1) throw new SpecError(`buffer '${name}' needs one of 'length', 'lengthCell' or 'pages'`, paramPlace(ctx, name));
    let header: number | undefined;
    if (s.header !== undefined) {
      const h = intInfoOf(cTypeOf(ctx, name, s.header), ctx.abi);
      if (!h || !s.length) throw new SpecError(`buffer '${name}': header '${s.header}' must be an integer type, before a 'length'`, paramPlace(ctx, name));
      header = h.bits / 8;
    }
    kind = {
      kind: 'buffer', dir: s.buffer, optional: s.optional ?? false, length: s.length, lengthCell: s.lengthCell,
      ...(s.pages ? { pages: s.pages } : {}), ...(header !== undefined ? { header } : {}),
    };
  } else if ('struct' in s) {
    need('pointer');
    const st = structOf(ctx, name, s.struct);
    checkPointee(ctx, name, cTypeText, st);
    kind = { kind: 'struct', struct: st, size: ctx.layouts.get(st.name)!.size, dir: s.dir, optional: s.optional ?? false };
  } else if ('array' in s) {
    need('pointer');
    const st = structOf(ctx, name, s.array);
    checkPointee(ctx, name, cTypeText, st);
    if (!s.length === !s.count) throw new SpecError(`array '${name}' needs exactly one of 'length' or 'count'`, paramPlace(ctx, name));
    kind = { kind: 'array', struct: st, elemSize: ctx.layouts.get(st.name)!.size, dir: s.dir, optional: s.optional ?? false, length: s.length, count: s.count };
  } else if ('cell' in s) {
    need('pointer');
    const cell = intInfoOf(cTypeOf(ctx, name, s.cell), ctx.abi);
    if (!cell) throw new SpecError(`cell type '${s.cell}' of '${name}' is not an integer type`, paramPlace(ctx, name));
    if (s.dir !== 'out' && (s.count ?? 1) !== 1) throw new SpecError(`cell '${name}' is read by the kernel (dir ${s.dir}), so it holds one value, not ${s.count}`, paramPlace(ctx, name));
    kind = { kind: 'cell', cell, cType: s.cell, dir: s.dir, count: s.count ?? 1 };
  } else if ('ref' in s) {
    need('pointer');
    const cell = intInfoOf(cTypeOf(ctx, name, s.ref), ctx.abi);
    if (!cell) throw new SpecError(`ref type '${s.ref}' of '${name}' is not an integer type`, paramPlace(ctx, name));
    const pointee = ctype.kind === 'pointer' && typeof ctype.to === 'object' ? intInfoOf(ctype.to, ctx.abi) : undefined;
    if (pointee && pointee.bits !== cell.bits) throw new SpecError(`ref '${name}' is annotated as ${s.ref} (${cell.bits}-bit), but the prototype points to a ${pointee.bits}-bit integer (${cTypeText})`, paramPlace(ctx, name));
    if (s.length && s.bits) throw new SpecError(`ref '${name}' has both a length and a bit count`, paramPlace(ctx, name));
    kind = { kind: 'ref', cell, cType: s.ref, dir: s.dir, optional: s.optional ?? false, ...(s.length ? { length: s.length } : {}), ...(s.bits ? { bits: s.bits } : {}) };
  } else if ('constant' in s) {
    need('integer');
    const value = ctx.constants?.get(s.constant);
    if (value === undefined) throw new SpecError(`constant '${s.constant}' for parameter '${name}' of '${ctx.name}' is not defined on ${ctx.target.name}`, paramPlace(ctx, name));
    kind = { kind: 'const', value };
  } else if ('low' in s || 'high' in s) {
    const info = int();
    if (info.bits !== 32) throw new SpecError(`'${name}' is marked as half of a 64-bit value but is ${info.bits}-bit`, paramPlace(ctx, name));
    kind = 'low' in s ? { kind: 'half', of: s.low, half: 'low', int: info } : { kind: 'half', of: s.high, half: 'high', int: info };
  } else if ('default' in s) {
    kind = { kind: 'int', int: int(), default: s.default };
  } else if ('value' in s) {
    kind = { kind: 'const', value: s.value };
  } else if ('sizeof' in s) {
    need('integer');
    kind = { kind: 'const', value: ctx.layouts.get(structOf(ctx, name, s.sizeof).name)!.size };
  } else {
    need('pointer');
    kind = { kind: 'mapping', length: s.length };
  }
  return { name, cType: cTypeText, kind };
}

/**
 * A struct annotation must agree with the prototype's pointee where the
 * prototype names a struct: this is what catches a 32-bit target's time32
 * entry point (struct old_timespec32 *) annotated with the 64-bit timespec.
 */
function checkPointee(ctx: Ctx, param: string, cTypeText: string, st: StructModel): void {
  const tag = /\bstruct\s+(\w+)/.exec(cTypeText)?.[1];
  if (!tag) return;
  const names = new Set([st.name, ...(st.cname ? [/\bstruct\s+(\w+)/.exec(st.cname)?.[1] ?? st.cname] : []), ...st.kernelNames]);
  if (!names.has(tag)) {
    throw new SpecError(
      `parameter '${param}' of '${ctx.name}' on ${ctx.target.name} points to struct ${tag}, but is annotated as struct ${st.name} (${st.cname ?? 'no C name'}); ` +
        `give this target its own annotation (byArch) or skip it with a reason`,
      paramPlace(ctx, param),
    );
  }
}

/** Turns the integer parameters that buffers/arrays/mappings name as their length into derived `length` params. */
function linkDerived(ctx: Ctx, params: ParamModel[]): void {
  const find = (owner: string, target: string, what: string) => {
    const p = params.find((x) => x.name === target);
    if (!p) throw new SpecError(`'${owner}' names '${target}' as its ${what}, but '${ctx.name}' has no such parameter`, paramPlace(ctx, owner));
    return p;
  };
  for (const p of params) {
    const k = p.kind;
    const lengthName = k.kind === 'buffer' || k.kind === 'array' || k.kind === 'mapping' || k.kind === 'ref' ? k.length : undefined;
    if (lengthName) {
      const lp = find(p.name, lengthName, 'length');
      if (lp.kind.kind !== 'int') throw new SpecError(`length '${lengthName}' of '${p.name}' must be a plain integer parameter`, paramPlace(ctx, p.name));
      lp.kind = { kind: 'length', of: p.name, int: lp.kind.int };
    }
    if (k.kind === 'buffer' && k.pages) find(p.name, k.pages, 'page count');
    if (k.kind === 'ref' && k.bits) {
      // Several bit sets may share the count (select's n), so it stays an argument of its own.
      const bp = find(p.name, k.bits, 'bit count');
      if (bp.kind.kind !== 'int') throw new SpecError(`bit count '${k.bits}' of '${p.name}' must be a plain integer parameter`, paramPlace(ctx, p.name));
    }
    if (k.kind === 'buffer' && k.lengthCell) {
      const lp = find(p.name, k.lengthCell, 'length cell');
      if (lp.kind.kind !== 'cell') throw new SpecError(`length cell '${k.lengthCell}' of '${p.name}' must be annotated as a cell`, paramPlace(ctx, k.lengthCell));
      lp.kind = { kind: 'lengthCell', of: p.name, cell: lp.kind.cell, cType: lp.kind.cType };
    }
  }
}

function classifyReturn(ctx: Ctx, params: ParamModel[], table: Map<string, { nr: number }>): ReturnModel {
  const r = ctx.semantics.returns ?? 'number';
  const place = ctx.sem.at(['syscalls', ctx.name, 'returns']);
  if (r === 'number' || r === 'bigint' || r === 'void') return { kind: r };
  if ('param' in r) {
    const p = params.find((x) => x.name === r.param);
    const k = p?.kind.kind;
    if (!p || !(k === 'struct' || (k === 'cell' && p.kind.kind === 'cell' && p.kind.dir === 'out') || k === 'lengthCell')) {
      throw new SpecError(`returns '${r.param}', which is not an out struct or cell parameter of '${ctx.name}'`, place);
    }
    return { kind: 'param', param: r.param };
  }
  const lp = params.find((x) => x.name === r.mapping.length);
  if (!lp || (lp.kind.kind !== 'int' && lp.kind.kind !== 'length')) throw new SpecError(`mapping length '${r.mapping.length}' is not an integer parameter of '${ctx.name}'`, place);
  // The finalizer of a mapping needs the number of the call that releases it.
  const release = table.get(r.mapping.release);
  if (!release) throw new SpecError(`'${ctx.name}' returns a mapping released by '${r.mapping.release}', which is not a syscall on ${ctx.target.name}`, place);
  return { kind: 'mapping', length: r.mapping.length, releaseNr: release.nr };
}
