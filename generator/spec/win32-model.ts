/**
 * Resolves the Win32 specs for one target into the model the emitters take:
 * curated and classified functions, records with their layouts, enums,
 * handles, constants, and the tables that name error codes. Every
 * cross-reference is checked here, so emitters never meet a dangling name.
 */
import { EmitError, SpecError, type Place } from '../errors.js';
import type { IntInfo } from '../model/syscall.js';
import type { Win32Constant, Win32Enum, Win32Function, Win32TargetModel, WinType } from '../model/win32.js';
import { selectsTarget } from './selectors.js';
import { abiOf } from './targets.js';
import type { Target } from './targets.js';
import { curateFunctions } from './win32-curation.js';
import { buildFunction } from './win32-functions.js';
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
    extraHandles: sel.handles ?? [],
    sizeFields: sel.sizeFields ?? {},
  });
  const { data } = specs.types;

  // Every type of the specs, resolved for this target.
  for (const r of data.records) if (selectsTarget(r.architectures, target)) types.record(r.name);
  data.typedefs.forEach((t, i) => {
    if (selectsTarget(t.architectures, target)) types.resolve(t.name, specs.types.at(['typedefs', i]));
  });
  const enums: Win32Enum[] = data.enums.map((e, i) => {
    const base = NATIVE_TYPES[e.base as keyof typeof NATIVE_TYPES];
    if (!base || 'float' in base) throw new SpecError(`enum ${e.name}: base ${e.base} is not an integer type`, specs.types.at(['enums', i]));
    const int: IntInfo = { bits: base.bits === 'pointer' ? (abi.dataModel === 'ILP32' ? 32 : 64) : base.bits, signed: base.signed };
    const values = e.values.map((v, j) => ({ name: v.name, value: valueFor(v.value, int), place: specs.types.at(['enums', i, 'values', j]) }));
    return { name: e.name, flags: e.flags, int, values };
  });

  const constants = collectConstants(specs, types, enums);
  const byName = new Map(constants.map((c) => [c.name, c]));
  const constantValue = (name: string, place: Place): bigint => {
    const c = byName.get(name);
    if (!c || typeof c.value === 'string') throw new SpecError(`'${name}' is not an integer constant of the specs`, place);
    return BigInt(c.value);
  };

  const functions: Win32Function[] = curateFunctions(specs, target)
    .map((c) => buildFunction(c, { types, constantValue, paths: sel.paths ?? [], moduleOf: dllModuleName }))
    .sort((a, b) => a.invoke.module.localeCompare(b.invoke.module) || a.name.localeCompare(b.name));
  checkMappings(functions);

  const modules = new Map<string, string>();
  for (const f of functions) modules.set(f.invoke.module, modules.get(f.invoke.module) ?? f.invoke.dll);

  return {
    target,
    abi,
    functions,
    modules: [...modules.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([module, dll]) => ({ module, dll })),
    records: types.allRecords(),
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
