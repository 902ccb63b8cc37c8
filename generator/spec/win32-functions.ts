/**
 * Classifies a curated Win32 function for the emitters: each parameter
 * becomes one kind (an integer, a string, a caller's buffer, a struct, a
 * handle array, an out cell, a derived length, a fixed value, a mapping),
 * and the result and failure convention are checked against the return type.
 * What cannot be bound safely is an error naming the function and parameter.
 */
import { EmitError, type Place } from '../errors.js';
import type { Dir, FlagsRule, Win32Callback, Win32Function, Win32Param, Win32ParamKind, Win32Return, WinType } from '../model/win32.js';
import type { CuratedFunction, ParamBinding } from './win32-curation.js';
import type { SpecCallback, SpecParam } from './win32-spec-types.js';
import { Refused, type RefusalCategory } from './win32-refusal.js';
import type { Win32Types } from './win32-types.js';

export interface FunctionContext {
  types: Win32Types;
  /** The value of a named constant or enum value (for flags, values and notAnError). */
  constantValue(name: string, place: Place): bigint;
  /** Parameter names that are paths. */
  paths: string[];
  /** The TypeScript module of a DLL. */
  moduleOf(dll: string): string;
  /** The callback types of the specs, by name. */
  callbacks: Map<string, SpecCallback>;
  /** Functions whose callbacks run only during the call, on the calling thread (selection synchronousCallbacks). */
  synchronousCallbacks: Set<string>;
  /** String typedefs the system allocates, with their free function (BSTR: SysFreeString): not a JS string's copy. */
  allocatedStrings: Map<string, string>;
}

type IntType = WinType & { kind: 'int' };

export function buildFunction(c: CuratedFunction, ctx: FunctionContext): Win32Function {
  const { spec } = c;
  const fail = (msg: string, place: Place = c.place): never => {
    throw new EmitError(`${spec.name}: ${msg}`, place);
  };
  /** The metadata does not describe this well enough to bind it safely. */
  const refuse = (category: RefusalCategory, msg: string): never => {
    throw new Refused(category, msg, spec.name, c.place);
  };
  const types = new Map(spec.params.map((p) => [p.name, ctx.types.resolve(p.type, c.place)]));
  // Which parameter holds which others' size: one buffer's, or one count of several arrays (ExtTextOutW's c).
  const lengthOf = new Map<string, { owner: SpecParam; also: SpecParam[] }>();
  for (const p of spec.params) {
    const len = p.bytesParam ?? p.countParam;
    if (len === undefined) continue;
    const known = lengthOf.get(len);
    if (known) known.also.push(p);
    else lengthOf.set(len, { owner: p, also: [] });
  }

  const synchronous = ctx.synchronousCallbacks.has(spec.name);
  const params: Win32Param[] = spec.params.map((p) => {
    const type = types.get(p.name)!;
    // A function with a synchronous callback passes its user-data value (LPARAM) through to the
    // callback: that channel belongs to the binding, which passes 0 (JS closures carry their own data).
    const kind: Win32ParamKind = synchronous && type.kind === 'int' && type.pointerSized ? { kind: 'fixed', value: 0 } : classify(p, type);
    return { name: p.name, cType: cTypeOf(type, kind), type, kind };
  });
  for (const p of params) checkBindable(p);

  /** What the emitters cannot express yet, found here so a DLL's function is refused rather than failing the emit. */
  function checkBindable(p: Win32Param): void {
    const k = p.kind;
    if (k.kind === 'cell' && k.dir === 'inout' && (k.elem.kind !== 'int' || k.elem.int.bits === 64 || k.elem.pointerSized)) {
      refuse('unsupported type', `parameter ${p.name}: in/out ${k.elem.kind === 'int' ? `${k.elem.int.bits}-bit` : k.elem.kind} cells are not bound yet`);
    }
    if (k.kind === 'length' || k.kind === 'lengthCell') {
      for (const counted of [k.of, ...(k.kind === 'length' ? (k.also ?? []) : [])]) {
        const owner = params.find((o) => o.name === counted)!.kind.kind;
        if (!['buffer', 'records', 'array', 'range', 'mapping'].includes(owner)) refuse('unsupported array', `parameter ${p.name} is the size of ${counted}, a ${owner}`);
      }
    }
  }

  function classify(p: SpecParam, t: WinType): Win32ParamKind {
    const attrs = new Set(p.attrs);
    const optional = attrs.has('Optional');
    const dir: Dir = attrs.has('In') && attrs.has('Out') ? 'inout' : attrs.has('Out') ? 'out' : 'in';
    const binding = c.bindings.get(p.name);
    const where = `parameter ${p.name}`;
    if ((binding?.flags || binding?.values) && t.kind !== 'int') fail(`${where}: flags and values apply to integers only`, binding.place);
    if (binding?.fixed !== undefined) return { kind: 'fixed', value: binding.fixed };
    if (attrs.has('Reserved')) return { kind: 'fixed', value: 0 };
    if (binding?.mapping || binding?.range) {
      if (t.kind !== 'pointer') fail(`${where}: a mapping or range must be a pointer`, binding.place);
      const length = p.bytesParam ?? p.countParam;
      if (binding.mapping) return { kind: 'mapping', release: binding.mapping === 'release', ...(length ? { length } : {}) };
      return { kind: 'range', optional, ...(length ? { length } : {}) };
    }
    const sizeOf = lengthOf.get(p.name);
    if (sizeOf) {
      const ownerType = types.get(sizeOf.owner.name)!;
      const ownerRecord = ownerType.kind === 'pointer' && ownerType.to.kind === 'record' ? ownerType.to.record : undefined;
      const shared = sizeOf.also.length > 0;
      if (shared && ((ownerRecord !== undefined && sizeOf.owner.bytesParam !== undefined) || t.kind !== 'int')) {
        refuse('unsupported array', `${where} is the size of ${[sizeOf.owner, ...sizeOf.also].map((o) => o.name).join(' and ')}, which only a plain count can be`);
      }
      if (t.kind === 'int') {
        // A record's size in bytes is its own; a count of records (an array) is the caller's.
        if (ownerRecord && sizeOf.owner.bytesParam !== undefined) return { kind: 'sizeof', of: sizeOf.owner.name, type: t, size: ownerRecord.layout.size };
        return { kind: 'length', of: sizeOf.owner.name, type: t, ...(shared ? { also: sizeOf.also.map((o) => o.name) } : {}) };
      }
      if (t.kind === 'pointer' && t.to.kind === 'int' && dir === 'inout') return { kind: 'lengthCell', of: sizeOf.owner.name, elem: t.to };
      return refuse('unsupported type', `${where} holds the size of ${sizeOf.owner.name} but is a ${t.kind}`);
    }
    switch (t.kind) {
      case 'int':
        return { kind: 'int', type: t, optional, ...constraints(binding) };
      case 'float':
        return { kind: 'float', type: t };
      case 'bool':
        return { kind: 'bool', type: t };
      case 'handle':
        return { kind: 'handle', type: t, optional };
      case 'record':
        if (hasFloat(t)) refuse('unsupported type', `${where}: records with floating-point members are not passed by value (arm64 would pass them in FP registers)`);
        return { kind: 'struct', record: t.record, dir: 'in', optional: false, byValue: true };
      case 'pointer':
        return classifyPointer(p, t, dir, optional, where);
      case 'array':
      case 'void':
        return refuse('unsupported type', `${where}: a ${t.kind} parameter cannot be bound`);
    }
  }

  function classifyPointer(p: SpecParam, t: WinType & { kind: 'pointer' }, dir: Dir, optional: boolean, where: string): Win32ParamKind {
    const to = t.to;
    if (t.opaque === 'a callback' && synchronous) return { kind: 'callback', callback: callbackOf(t.name!, where) };
    if (t.opaque) return refuse(t.opaque === 'a callback' ? 'callback' : 'COM interface', `${where} is ${t.opaque} (${t.name}), which sysbind does not bind`);
    const length = p.bytesParam ?? p.countParam;
    // CountConst 0 is the metadata's "some number" (the UserUnmarshal family), not an empty array.
    if (p.countConst === 0) refuse('unsupported array', `${where}: the metadata's fixed count is 0, which does not say how many elements it has`);
    const count = p.countConst;
    const isChar = to.kind === 'int' && to.char === true;
    if (length !== undefined || count !== undefined) {
      // The size of the memory: a parameter (its value, or through a pointer its capacity in and use out), or the metadata's fixed count.
      const size = length === undefined ? { count: count! } : isLengthCell(length) ? { lengthCell: length } : { length };
      if (to.kind === 'handle' && length !== undefined) {
        // The binding copies a JS array of handles into native cells: what a callee writes there JS never sees.
        if (dir !== 'in') refuse('unsupported array', `${where}: an array of handles the callee writes is not bound yet`);
        return { kind: 'array', elem: to, optional, length };
      }
      if (to.kind === 'record') {
        if (p.bytesParam !== undefined) return { kind: 'struct', record: to.record, dir, optional, byValue: false };
        return { kind: 'records', record: to.record, dir, optional, ...size };
      }
      if (to.kind === 'void' || to.kind === 'int') {
        const elemSize = p.bytesParam !== undefined || to.kind === 'void' ? 1 : to.int.bits / 8;
        return { kind: 'buffer', dir, optional, elemSize, ...size, ...(isChar ? { text: true as const } : {}) };
      }
      return refuse('unsupported array', `${where}: a buffer of ${to.kind} is not supported`);
    }
    const unterminated = p.attrs.find((a) => a === 'NullNullTerminated' || a === 'NotNullTerminated');
    if (isChar && unterminated) refuse('unsupported type', `${where} is ${unterminated}, which the string conversion does not express`);
    const allocated = ctx.allocatedStrings.get(p.type);
    // A BSTR carries its length before its first character and is freed by SysFreeString: a JS string's buffer is neither.
    if (isChar && allocated) return refuse('untyped pointer', `${where} is a ${p.type}, a string the system allocates (freed by ${allocated}), which a JavaScript string is not`);
    if (isChar && dir === 'in') return { kind: 'string', optional, path: ctx.paths.includes(p.name) };
    if (to.kind === 'record') return { kind: 'struct', record: to.record, dir, optional, byValue: false };
    if ((to.kind === 'int' || to.kind === 'handle' || to.kind === 'bool') && dir !== 'in') return { kind: 'cell', elem: to, dir, optional };
    if (to.kind === 'pointer' && to.opaque) return refuse(to.opaque === 'a callback' ? 'callback' : 'COM interface', `${where} points to ${to.opaque} (${to.name})`);
    return refuse(
      'untyped pointer',
      `${where} is a ${to.kind === 'void' ? 'void' : to.kind} pointer with no size: the metadata does not say what it points to; ` +
        'give it a bytesParam/countParam, a range, a mapping or a fixed value under conventions (or a type under overrides)',
    );
  }

  /** A callback type whose parameters JavaScript can take as values (and whose result it can give). */
  function callbackOf(name: string, where: string): Win32Callback {
    const cb = ctx.callbacks.get(name);
    if (!cb) return fail(`${where}: callback type ${name} is not in the specs`);
    const returns = ctx.types.resolve(cb.returns, c.place);
    if (returns.kind !== 'int' && returns.kind !== 'bool') return refuse('callback', `${where}: the callback ${name} returns a ${returns.kind}`);
    let contexts = 0;
    const cbParams = cb.params.map((q) => {
      const type = ctx.types.resolve(q.type, c.place);
      const as =
        type.kind === 'int' ? (type.pointerSized ? 'context' : 'int')
        : type.kind === 'handle' || type.kind === 'bool' ? type.kind
        : type.kind === 'pointer' && type.to.kind === 'int' && type.to.char && !q.attrs.includes('Out') && !ctx.allocatedStrings.has(q.type) ? 'string'
        : undefined;
      if (as === undefined) return refuse('callback', `${where}: the callback ${name}'s parameter ${q.name} is a ${type.kind}, which sysbind does not pass to JavaScript`);
      if (as === 'context') contexts++;
      return { name: q.name, cType: type.kind === 'pointer' ? 'const char16_t*' : cTypeOf(type, undefined), type, as } as const;
    });
    if (contexts > 1) refuse('callback', `${where}: the callback ${name} has ${contexts} pointer-sized parameters (which is the user data?)`);
    return { name, callingConvention: cb.callingConvention, returns, params: cbParams };
  }

  function isLengthCell(name: string): boolean {
    const t = types.get(name);
    return t?.kind === 'pointer' && t.to.kind === 'int';
  }

  function constraints(binding: ParamBinding | undefined): { flags?: FlagsRule; values?: { values: bigint[]; text: string } } {
    if (!binding) return {};
    const mask = (names: string[] = []) => names.reduce((m, n) => m | ctx.constantValue(n, binding.place), 0n);
    const out: { flags?: FlagsRule; values?: { values: bigint[]; text: string } } = {};
    const f = binding.flags;
    if (f) {
      const required = mask(f.required);
      const text = [
        f.allowed ? `may only combine ${[...new Set([...f.allowed, ...(f.required ?? [])])].join(', ')}` : '',
        f.required ? `must include ${f.required.join(', ')}` : '',
        f.forbidden ? `must not include ${f.forbidden.join(', ')}` : '',
      ].filter(Boolean).join('; ');
      out.flags = { ...(f.allowed ? { allowed: mask(f.allowed) | required } : {}), required, forbidden: mask(f.forbidden), text };
    }
    if (binding.values) out.values = { values: binding.values.map((n) => ctx.constantValue(n, binding.place)), text: `must be ${binding.values.join(' or ')}` };
    return out;
  }

  const returnType = ctx.types.resolve(spec.returns, c.place);
  const returns = returnOf(returnType);
  function returnOf(t: WinType): Win32Return {
    if (c.returnsMapping) {
      if (t.kind !== 'pointer') fail('a mapping result must be a pointer', c.returnsMapping.place);
      const len = params.find((p) => p.name === c.returnsMapping!.length);
      if (len?.kind.kind !== 'int') fail(`the mapping length '${c.returnsMapping.length}' must be an integer parameter`, c.returnsMapping.place);
      return { kind: 'mapping', length: c.returnsMapping.length, release: c.returnsMapping.release };
    }
    switch (t.kind) {
      case 'void':
        return { kind: 'void' };
      case 'int':
        return { kind: 'int', type: t };
      case 'float':
        return { kind: 'float', type: t };
      case 'bool':
        return { kind: 'bool', type: t };
      case 'handle':
        return { kind: 'handle', type: t };
      default:
        return refuse(t.kind === 'pointer' ? 'pointer result' : 'unsupported type', `returns a ${t.kind} (${spec.returns}), which is not bound yet (a pointer to memory needs returns: mapping)`);
    }
  }
  checkFailure(c, returns, fail);
  if (c.result !== undefined) {
    const r = params.find((p) => p.name === c.result)!;
    if (!(r.kind.kind === 'struct' && r.kind.dir !== 'in') && r.kind.kind !== 'cell') fail(`result '${c.result}' must be an out struct or cell`);
  }
  const notAnError = (c.notAnError?.names ?? []).map((name) => ({ name, value: Number(ctx.constantValue(name, c.notAnError!.place)) }));
  // A callback that returns FALSE stops an enumeration, which then returns FALSE too, with no
  // error set: with the last error cleared first, FALSE and error 0 is the callback's stop.
  const stoppable = params.some((p) => p.kind.kind === 'callback') && c.failure === 'false' && spec.setLastError;
  if (stoppable && !notAnError.some((e) => e.value === 0)) notAnError.push({ name: 'ERROR_SUCCESS', value: 0 });
  if (notAnError.length > 0 && !['false', 'null', 'invalid-handle', 'zero', 'error-code'].includes(String(c.failure))) {
    fail('notAnError needs a failure convention that reports Win32 error codes');
  }
  const notes = [...c.notes];
  if (spec.declared) notes.unshift(`Not in the metadata: declared at ${spec.declared.at}: ${spec.declared.reason}`);
  return {
    name: spec.name,
    invoke: { via: 'dll', dll: c.dll, module: ctx.moduleOf(c.dll), callingConvention: spec.callingConvention, setLastError: spec.setLastError, clearLastError: c.clearLastError || stoppable },
    blocking: false,
    namespace: spec.namespace,
    returnCType: cTypeOf(returnType, undefined),
    returns,
    failure: c.failure,
    ...(c.failureUnstated ? { failureUnstated: true as const } : {}),
    notAnError,
    ...(c.result !== undefined ? { result: c.result } : {}),
    liveHandles: [],
    params,
    notes,
    ...(spec.platform ? { platform: spec.platform } : {}),
    place: c.place,
  };
}

/** The result kinds each failure convention can be checked on. */
const FAILURE_RESULTS: Record<string, Win32Return['kind'][]> = {
  false: ['bool'],
  null: ['handle', 'mapping'],
  'invalid-handle': ['handle'],
  zero: ['int'],
  equals: ['int'],
  'error-code': ['int'],
  ntstatus: ['int'],
  hresult: ['int'],
};

function checkFailure(c: CuratedFunction, r: Win32Return, fail: (msg: string) => never): void {
  const f = c.failure;
  const kind = typeof f === 'object' ? 'equals' : f;
  if (kind !== 'none' && !FAILURE_RESULTS[kind]!.includes(r.kind)) fail(`failure convention ${JSON.stringify(f)} does not fit its ${r.kind} result`);
  if (c.clearLastError && !c.spec.setLastError) fail('clearLastError on a function that does not set the last error');
}

function hasFloat(t: WinType): boolean {
  if (t.kind === 'float') return true;
  if (t.kind === 'array') return hasFloat(t.of);
  if (t.kind === 'record') return t.record.fields.some((f) => hasFloat(f.type));
  return false;
}

/** The C++ type of a parameter or result in the function pointer typedef. */
function cTypeOf(t: WinType, kind: Win32ParamKind | undefined): string {
  switch (t.kind) {
    case 'void':
      return 'void';
    case 'int':
    case 'bool':
      return intCType(t);
    case 'float':
      return t.bits === 32 ? 'float' : 'double';
    case 'handle':
      return 'void*';
    case 'pointer':
      return kind?.kind === 'string' ? 'const char16_t*' : 'void*';
    case 'record':
      return `sbv_${t.record.name}`;
    case 'array':
      return 'void*';
  }
}

export function intCType(t: (WinType & { kind: 'int' | 'bool' }) | IntType): string {
  if (t.kind === 'int' && t.pointerSized) return t.int.signed ? 'intptr_t' : 'uintptr_t';
  return `${t.int.signed ? '' : 'u'}int${t.int.bits}_t`;
}
