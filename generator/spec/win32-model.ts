/**
 * Resolves the Win32 specs for one target into the model the emitters take:
 * curated and classified functions, records with their layouts, enums,
 * handles, constants, and the tables that name error codes. Every
 * cross-reference is checked here, so emitters never meet a dangling name.
 */
import { EmitError, SpecError, SysbindError, type Place } from '../errors.js';
import type { IntInfo } from '../model/syscall.js';
import type { LiveHandleUse, Win32Constant, Win32Enum, Win32Function, Win32Record, Win32TargetModel, WinType } from '../model/win32.js';
import { selectsTarget } from './selectors.js';
import { abiOf } from './targets.js';
import type { Target } from './targets.js';
import { curateFunctions } from './win32-curation.js';
import { buildFunction } from './win32-functions.js';
import { Refused, type Refusal, type RefusalCategory } from './win32-refusal.js';
import { extraHandleTypes } from './win32-selection.js';
import { unsafeReason, type SafetyPolicy } from './win32-safety.js';
import { dllModuleName, isNativeName, NATIVE_TYPES } from './win32-spec-types.js';
import type { Win32Specs } from './win32-specs.js';
import { Win32Types } from './win32-types.js';

export function buildWin32Model(specs: Win32Specs, target: Target): Win32TargetModel {
  const abi = abiOf(target);
  const sel = specs.selection.data;
  const types = new Win32Types({
    target,
    abi,
    types: specs.types,
    booleans: sel.booleans,
    extraHandles: extraHandleTypes(sel),
    sizeFields: sel.sizeFields ?? {},
    countedArrays: sel.countedArrays ?? {},
    recordFixes: sel.recordFixes ?? {},
  });
  const { data } = specs.types;

  // Every type of the specs, resolved for this target.
  // Records are laid out as functions use them: one that cannot be (a bitfield, say) refuses
  // the functions of the DLLs that use it and is an error only for a function named in select.
  data.typedefs.forEach((t, i) => {
    if (selectsTarget(t.architectures, target)) types.resolve(t.name, specs.types.at(['typedefs', i]));
  });
  const enums: Win32Enum[] = data.enums.map((e, i) => {
    const base = NATIVE_TYPES[e.base as keyof typeof NATIVE_TYPES];
    if (!base || 'float' in base) throw new SpecError(`enum ${e.name}: base ${e.base} is not an integer type`, specs.types.at(['enums', i]));
    const int: IntInfo = { bits: base.bits === 'pointer' ? (abi.dataModel === 'ILP32' ? 32 : 64) : base.bits, signed: base.signed };
    const values = e.values.map((v, j) => ({ name: v.name, value: valueFor(fixedValue(specs, v.name, target) ?? v.value, int), place: specs.types.at(['enums', i, 'values', j]) }));
    return { name: e.name, flags: e.flags, int, values };
  });

  const constants = collectConstants(specs, types, enums);
  const byName = new Map(constants.map((c) => [c.name, c]));
  const constantValue = (name: string, place: Place): bigint => {
    const c = byName.get(name);
    if (!c || typeof c.value === 'string') throw new SpecError(`'${name}' is not an integer constant of the specs`, place);
    return BigInt(c.value);
  };

  const refused: Refusal[] = [];
  const imported = new Set(specs.functions.flatMap((file) => file.data.functions.map((f) => f.name)));
  const policy = safetyPolicy(specs, imported);
  checkRecordFixes(specs);
  checkValueFixes(specs);
  const callbacks = new Map(data.callbacks.filter((cb) => selectsTarget(cb.architectures, target)).map((cb) => [cb.name, cb]));
  const synchronousCallbacks = synchronousCallbackFunctions(specs, imported);
  const allocatedStrings = new Map(data.typedefs.filter((t) => t.freeFunc !== undefined && /^(Char|Byte|UInt16)\*$/.test(t.type)).map((t) => [t.name, t.freeFunc!]));
  const functions: Win32Function[] = [];
  for (const c of curateFunctions(specs, target, refused)) {
    try {
      const f = buildFunction(c, { types, constantValue, paths: sel.paths ?? [], moduleOf: dllModuleName, callbacks, synchronousCallbacks, allocatedStrings });
      const unsafe = c.auto ? unsafeReason(f, c, policy) : undefined;
      if (unsafe) refused.push({ name: f.name, dll: c.dll, ...unsafe });
      else functions.push({ ...f, liveHandles: liveHandleUses(f, policy.trackedHandles) });
    } catch (e) {
      // A record of the function's that cannot be laid out (a SpecError of the types) refuses it too.
      if (!(c.auto && e instanceof SysbindError)) throw e;
      const { category, reason } = e instanceof Refused ? e : { category: 'unsupported type' as const, reason: e.message };
      refused.push({ name: c.spec.name, dll: c.dll, category, reason });
    }
  }
  functions.sort((a, b) => a.invoke.module.localeCompare(b.invoke.module) || a.name.localeCompare(b.name));
  refused.sort((a, b) => a.name.localeCompare(b.name));
  checkMappings(functions);

  const modules = new Map<string, string>();
  for (const f of functions) modules.set(f.invoke.module, modules.get(f.invoke.module) ?? f.invoke.dll);

  return {
    target,
    abi,
    functions,
    refused,
    excluded: specs.functions.flatMap((file) => (file.data.excluded ?? []).map((e) => ({ ...e, dll: file.data.dll }))),
    modules: [...modules.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([module, dll]) => ({ module, dll })),
    records: usedRecords(functions),
    enums,
    handles: [...types.usedHandles.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([name, h]) => ({ name, ...h })),
    constants,
    errorNames: {
      lastError: errorNames(sel.errors.lastError, constants),
      ntstatus: errorNames(sel.errors.ntstatus, constants),
      hresult: errorNames(sel.errors.hresult, constants),
    },
    inputs: specs.files,
  };
}

/** The records the bound functions take, and those inside them, sorted by name. */
function usedRecords(functions: Win32Function[]): Win32Record[] {
  const used = new Map<string, Win32Record>();
  const visit = (t: WinType): void => {
    if (t.kind === 'pointer') visit(t.to);
    else if (t.kind === 'array') visit(t.of);
    else if (t.kind === 'record' && !used.has(t.record.name)) {
      used.set(t.record.name, t.record);
      for (const f of t.record.fields) visit(f.type);
    }
  };
  for (const f of functions) for (const p of f.params) visit(p.type);
  return [...used.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The selection's validated handle types and refuse list (each refused name checked against the specs). */
/** Each function a list of selection groups names, with its place; a name no imported DLL has is an error there. */
function forEachListedFunction<G extends { functions: string[] }>(
  specs: Win32Specs,
  key: 'refuse' | 'synchronousCallbacks',
  groups: G[] | undefined,
  imported: Set<string>,
  visit: (name: string, group: G, place: Place) => void,
): void {
  (groups ?? []).forEach((group, i) =>
    group.functions.forEach((name, j) => {
      const place = specs.selection.at([key, i, 'functions', j]);
      if (!imported.has(name)) throw new SpecError(`${key}: '${name}' matches no imported function`, place);
      visit(name, group, place);
    }),
  );
}

function safetyPolicy(specs: Win32Specs, imported: Set<string>): SafetyPolicy {
  const sel = specs.selection.data;
  const refuse = new Map<string, { category: RefusalCategory; reason: string }>();
  forEachListedFunction(specs, 'refuse', sel.refuse, imported, (name, group, place) => {
    if (refuse.has(name)) throw new SpecError(`refuse: '${name}' is listed twice`, place);
    refuse.set(name, { category: group.category, reason: group.reason });
  });
  const validatedHandles = new Set((sel.validatedHandles ?? []).flatMap((g) => g.types));
  const trackedHandles = new Map<string, Set<string>>();
  (sel.trackedHandles ?? []).forEach((group, i) =>
    Object.entries(group.types).forEach(([type, releases]) => {
      const place = specs.selection.at(['trackedHandles', i, 'types', type]);
      if (!specs.types.data.typedefs.some((t) => t.name === type)) throw new SpecError(`trackedHandles: '${type}' is not a typedef of the Win32 specs`, place);
      if (validatedHandles.has(type) || trackedHandles.has(type)) throw new SpecError(`trackedHandles: '${type}' is listed twice (or also validated)`, place);
      for (const name of releases) if (!imported.has(name)) throw new SpecError(`trackedHandles: ${type}'s release function '${name}' matches no imported function`, place);
      trackedHandles.set(type, new Set(releases));
    }),
  );
  return { validatedHandles, trackedHandles, refuse };
}

/** The selection's functions whose callbacks run only during the call (each name checked against the specs). */
function synchronousCallbackFunctions(specs: Win32Specs, imported: Set<string>): Set<string> {
  const names = new Set<string>();
  forEachListedFunction(specs, 'synchronousCallbacks', specs.selection.data.synchronousCallbacks, imported, (name) => names.add(name));
  return names;
}

/** Where a bound function checks, releases or returns a tracked handle (see LiveHandleUse). */
function liveHandleUses(f: Win32Function, tracked: Map<string, Set<string>>): LiveHandleUse[] {
  const uses: LiveHandleUse[] = [];
  for (const p of f.params) {
    const k = p.kind;
    if (k.kind === 'handle' && tracked.has(k.type.name)) {
      uses.push({ type: k.type.name, use: tracked.get(k.type.name)!.has(f.name) ? 'release' : 'check', param: p.name });
    } else if (k.kind === 'cell' && k.dir === 'out' && k.elem.kind === 'handle' && tracked.has(k.elem.name)) {
      uses.push({ type: k.elem.name, use: 'produce', param: p.name });
    }
  }
  if (f.returns.kind === 'handle' && tracked.has(f.returns.type.name)) uses.push({ type: f.returns.type.name, use: 'produce' });
  return uses;
}

/** Each record fix still names what it fixes, so a metadata update that renames it is noticed. */
/** The selection's value for an enum value on this target's architecture, if it corrects the metadata's. */
function fixedValue(specs: Win32Specs, name: string, target: Target): number | undefined {
  const fix = specs.selection.data.valueFixes?.[name];
  return fix && fix.architectures.includes(target.arch) ? fix.value : undefined;
}

/** Every value fix names an enum value of the specs. */
function checkValueFixes(specs: Win32Specs): void {
  const names = new Set(specs.types.data.enums.flatMap((e) => e.values.map((v) => v.name)));
  for (const name of Object.keys(specs.selection.data.valueFixes ?? {})) {
    if (!names.has(name)) throw new SpecError(`valueFixes: '${name}' is not an enum value of the Win32 specs`, specs.selection.at(['valueFixes', name]));
  }
}

function checkRecordFixes(specs: Win32Specs): void {
  for (const [name, fix] of Object.entries(specs.selection.data.recordFixes ?? {})) {
    const records = specs.types.data.records.filter((r) => r.name === name);
    const place = specs.selection.at(['recordFixes', name]);
    if (records.length === 0) throw new SpecError(`recordFixes: '${name}' is not a record of the Win32 specs`, place);
    for (const field of Object.keys(fix.fields ?? {})) {
      if (!records.some((r) => r.fields.some((f) => f.name === field && 'type' in f))) throw new SpecError(`recordFixes: ${name} has no field '${field}'`, place);
    }
  }
}

/** A constant's value as TypeScript will hold it: bigint for 64-bit types, number otherwise. */
function valueFor(v: number | string, int: IntInfo): number | bigint {
  return int.bits === 64 ? BigInt(v) : Number(v);
}

function collectConstants(specs: Win32Specs, types: Win32Types, enums: Win32Enum[]): Win32Constant[] {
  const out = new Map<string, Win32Constant>();
  const add = (c: Win32Constant) => {
    const prev = out.get(c.name);
    if (prev && prev.value !== c.value) throw new SpecError(`constant ${c.name} has two values: ${String(prev.value)} and ${String(c.value)}`, c.place);
    if (!prev) out.set(c.name, c);
  };
  for (const e of enums) for (const v of e.values) add({ name: v.name, value: v.value, typeName: e.name, enumName: e.name, place: v.place });
  specs.constants.data.constants.forEach((c, i) => {
    const place = specs.constants.at(['constants', i]);
    if (c.string) return add({ name: c.name, value: String(c.value), place });
    const t: WinType = types.resolve(c.type, place);
    if (t.kind === 'handle') return add({ name: c.name, value: BigInt(c.value), typeName: t.name, place });
    if (t.kind === 'int' || t.kind === 'bool') return add({ name: c.name, value: valueFor(c.value, t.int), ...(isNativeName(c.type) ? {} : { typeName: t.name }), place });
    if (t.kind === 'float') return add({ name: c.name, value: Number(c.value), place });
    throw new SpecError(`constant ${c.name} has type ${c.type}, which is not a number, string or handle`, place);
  });
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Code → name for one error type; where names share a value, the first with the preferred prefix wins. */
function errorNames(choice: { type: string; prefer: string }, constants: Win32Constant[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const c of constants) {
    if (c.typeName !== choice.type || typeof c.value === 'string') continue;
    const code = Number(c.value);
    const prev = names.get(code);
    if (prev === undefined || (!prev.startsWith(choice.prefer) && c.name.startsWith(choice.prefer))) names.set(code, c.name);
  }
  return names;
}

/** A mapping-returning function's release function exists and takes the mapping (and nothing it cannot fill in itself). */
function checkMappings(functions: Win32Function[]): void {
  for (const f of functions) {
    if (f.returns.kind !== 'mapping') continue;
    const release = functions.find((g) => g.name === (f.returns as { release: string }).release);
    if (!release) throw new EmitError(`${f.name}: its release function '${f.returns.release}' is not bound`, f.place);
    const takes = release.params.filter((p) => p.kind.kind === 'mapping' && p.kind.release);
    if (takes.length !== 1) throw new EmitError(`${release.name} must take exactly one mapping: release parameter to release what ${f.name} returns`, release.place);
    for (const p of release.params) {
      const ok = p.kind.kind === 'fixed' || (p.kind.kind === 'mapping' && p.kind.release) || (p.kind.kind === 'int' && p.kind.values?.values.length === 1);
      if (!ok) throw new EmitError(`${release.name}.${p.name}: a release function called on garbage collection needs every other parameter fixed`, release.place);
    }
  }
}
