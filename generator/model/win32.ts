/**
 * The resolved model of the Win32 bindings of one target: functions with
 * classified parameters (what the C++ binding converts and how the TypeScript
 * wrapper presents each one), records with their layouts, constants and the
 * error-name tables. Built by spec/win32-model.ts; read by the emitters.
 */
import type { Place } from '../errors.js';
import type { Callable, DllInvocation } from './callable.js';
import type { AbiFacts, RecordDecl, RecordLayout } from './ctype.js';
import type { IntInfo } from './syscall.js';
import type { Failure } from '../spec/win32-spec-types.js';
import type { Target } from '../spec/targets.js';
import type { Refusal } from '../spec/win32-refusal.js';

/** A metadata type resolved for one target. `name` is the metadata's name where it has one (typedef, enum). */
export type WinType =
  /**
   * An integer; `char` marks a UTF-16 code unit (metadata Char), `pointerSized` IntPtr/UIntPtr,
   * `flags` a flags enum (whose 32-bit sets JavaScript's | may have made negative).
   */
  | { kind: 'int'; int: IntInfo; name: string; enumName?: string; flags?: true; char?: true; pointerSized?: true }
  | { kind: 'float'; bits: 32 | 64; name: string }
  /** A C boolean typedef (BOOL, BOOLEAN): JavaScript booleans. */
  | { kind: 'bool'; int: IntInfo; name: string }
  /** A handle typedef: a branded bigint holding the pointer-sized value. */
  | { kind: 'handle'; name: string; int: IntInfo }
  | { kind: 'void' }
  /** A pointer; `opaque` says what sysbind does not look into (a COM interface, a callback), `to` is then void. */
  | { kind: 'pointer'; to: WinType; name?: string; opaque?: string }
  | { kind: 'array'; of: WinType; length: number }
  | { kind: 'record'; record: Win32Record };

export interface Win32Field {
  /** Dotted from the record (`u.LowPart` for a named nested record's member); anonymous members flattened. */
  name: string;
  offset: number;
  size: number;
  type: WinType;
  place: Place;
  /** ANYSIZE_ARRAY: the record runs on past its size (the count is in another field). */
  flexible?: true;
}

export interface Win32Record {
  /** The metadata name; nested named records are `<Outer>_<field>` (LARGE_INTEGER_u). */
  name: string;
  /** The C spelling to audit against (null for nested records, audited through their parent). */
  cName: string | null;
  kind: 'struct' | 'union';
  decl: RecordDecl;
  layout: RecordLayout;
  /** The accessible members, in declaration order (anonymous members' fields flattened in). */
  fields: Win32Field[];
  /** Field the caller must set to the record's size (preset by the TypeScript class). */
  sizeField?: string;
  /** An ANYSIZE_ARRAY member whose element count is another field (checked against the buffer before a call). */
  countedArray?: { count: string; array: string };
  place: Place;
}

export type Dir = 'in' | 'out' | 'inout';

export type Win32ParamKind =
  /** An integer, optionally restricted to some bits or values (masks and lists from the selection, `text` for messages). */
  | { kind: 'int'; type: WinType & { kind: 'int' }; optional: boolean; flags?: FlagsRule; values?: { values: bigint[]; text: string } }
  | { kind: 'float'; type: WinType & { kind: 'float' } }
  | { kind: 'bool'; type: WinType & { kind: 'bool' } }
  | { kind: 'handle'; type: WinType & { kind: 'handle' }; optional: boolean }
  /** A NUL-terminated UTF-16 string in; `path` names it in errors. */
  | { kind: 'string'; optional: boolean; path: boolean }
  /**
   * Caller's memory: `elemSize` 1 for bytes (Bytes), 2 for UTF-16 (Uint16Array); `length` the parameter with its
   * size, or `count` the elements the callee always uses (the metadata's CountConst: GetKeyboardState's 256 bytes,
   * PathCombineW's MAX_PATH characters); `text` for UTF-16 characters (metadata Char).
   */
  | { kind: 'buffer'; dir: Dir; optional: boolean; elemSize: number; length?: string; lengthCell?: string; count?: number; text?: true }
  /** A JavaScript buffer whose address the call acts on without reading or writing it through the binding. */
  | { kind: 'range'; optional: boolean; length?: string }
  /** A struct class instance (bytes by pointer, or copied by value). */
  | { kind: 'struct'; record: Win32Record; dir: Dir; optional: boolean; byValue: boolean }
  /** An array of records (a StructArray of the record's class): its element count in `length`, or always `count`. */
  | { kind: 'records'; record: Win32Record; dir: Dir; optional: boolean; length?: string; lengthCell?: string; count?: number }
  /** An array of handles from a JavaScript array. */
  | { kind: 'array'; elem: WinType & { kind: 'handle' }; optional: boolean; length: string }
  /** A single value written (and for inout, first read) through a pointer; returned. */
  | { kind: 'cell'; elem: WinType & { kind: 'int' | 'handle' | 'bool' }; dir: 'out' | 'inout'; optional: boolean }
  /**
   * The size of another parameter's memory, in its elements; may be left out (defaults to all of it).
   * `also`: further parameters it counts too (ExtTextOutW's c: lpString's characters and lpDx's widths).
   */
  | { kind: 'length'; of: string; type: WinType & { kind: 'int' }; also?: string[] }
  /** The size of a struct parameter: always that struct's size, not a JavaScript argument. */
  | { kind: 'sizeof'; of: string; type: WinType & { kind: 'int' }; size: number }
  /** A buffer's capacity in, its used length out, through a pointer; returned. */
  | { kind: 'lengthCell'; of: string; elem: WinType & { kind: 'int' } }
  /** Not a JavaScript argument: always this value (reserved parameters, the selection's `fixed`). */
  | { kind: 'fixed'; value: number }
  /** A whole mapping (memory from a `mapping` function): `release` frees it, `use` acts on (part of) it. */
  | { kind: 'mapping'; release: boolean; length?: string }
  /**
   * A JavaScript function the callee calls back synchronously, on the calling thread, before
   * it returns (selection `synchronousCallbacks`); a JS exception stops it and is rethrown.
   */
  | { kind: 'callback'; callback: Win32Callback };

/**
 * A callback type a bound function takes: each parameter as JavaScript gets it (`context`,
 * the pointer-sized user-data value, stays with the binding and is not passed).
 */
export interface Win32Callback {
  name: string;
  callingConvention: 'winapi' | 'cdecl';
  returns: WinType & { kind: 'int' | 'bool' };
  params: { name: string; cType: string; type: WinType; as: 'int' | 'handle' | 'bool' | 'string' | 'context' }[];
}

/** Bits an integer may (`allowed`, undefined for any), must (`required`) and must not (`forbidden`) have. */
export interface FlagsRule {
  allowed?: bigint;
  required: bigint;
  forbidden: bigint;
  text: string;
}

export interface Win32Param {
  name: string;
  /** The C++ type of the parameter in the function pointer typedef. */
  cType: string;
  type: WinType;
  kind: Win32ParamKind;
}

export type Win32Return =
  | { kind: 'void' }
  | { kind: 'int'; type: WinType & { kind: 'int' } }
  | { kind: 'float'; type: WinType & { kind: 'float' } }
  | { kind: 'bool'; type: WinType & { kind: 'bool' } }
  | { kind: 'handle'; type: WinType & { kind: 'handle' } }
  /** Memory JavaScript gets as an ArrayBuffer of `length` bytes; `release` frees it (also when it is garbage collected). */
  | { kind: 'mapping'; length: string; release: string };

/**
 * How a function meets a tracked handle type (selection `trackedHandles`): a parameter
 * checked against the live values (and for a release function, forgotten after the
 * call), or a value it returns (the result or an out cell) added to them.
 */
export interface LiveHandleUse {
  type: string;
  use: 'check' | 'release' | 'produce';
  /** The parameter; undefined for the result. */
  param?: string;
}

/** A bound Win32 function: a Callable invoked through its DLL export. */
export interface Win32Function extends Callable<Win32Param, Win32Return, DllInvocation> {
  namespace: string;
  returnCType: string;
  failure: Failure;
  /** The metadata states no failure rule: the result is returned unchecked (lastError() has the error). */
  failureUnstated?: true;
  /** Error codes (values) that end the call normally: the wrapper returns null. */
  notAnError: { name: string; value: number }[];
  /** The out-parameter the wrapper returns instead of the raw result. */
  result?: string;
  /** Tracked handles it checks, releases or returns (empty for most). */
  liveHandles: LiveHandleUse[];
  /** Lines for the generated documentation: where the function comes from, the conventions applied. */
  notes: string[];
  platform?: string;
}

export interface Win32Constant {
  name: string;
  value: number | bigint | string;
  /** The TypeScript type: an enum or handle type name, or undefined for a plain number/bigint/string. */
  typeName?: string;
  /** The enum it is a value of, if any. */
  enumName?: string;
  place: Place;
}

export interface Win32Enum {
  name: string;
  flags: boolean;
  int: IntInfo;
  values: { name: string; value: number | bigint; place: Place }[];
}

export interface Win32TargetModel {
  target: Target;
  abi: AbiFacts;
  functions: Win32Function[];
  /** Functions of the selection's DLLs that are not bound, with why. */
  refused: Refusal[];
  /** Functions the importer left out (ANSI twins), with why. */
  excluded: { name: string; dll: string; reason: string }[];
  /** TypeScript modules (one per DLL), sorted, with the DLL each loads. */
  modules: { module: string; dll: string }[];
  records: Win32Record[];
  enums: Win32Enum[];
  /** Handle typedefs used by the bound functions and records. */
  /** `usableAs`: the handle types a value of this one may be passed as (the metadata's AlsoUsableFor, followed). */
  handles: { name: string; int: IntInfo; invalid?: number; usableAs?: string[] }[];
  /** Every constant: enum values and named constants. */
  constants: Win32Constant[];
  /** Error code → name, for Win32Error (GetLastError codes), NtStatusError and HRESULT failures. */
  errorNames: { lastError: Map<number, string>; ntstatus: Map<number, string>; hresult: Map<number, string> };
  /** Spec files the model was built from (for banners). */
  inputs: string[];
}

/** The JavaScript arguments of a function: every parameter but fixed values and struct sizes. */
export function jsParams(f: Win32Function): Win32Param[] {
  return f.params.filter((p) => p.kind.kind !== 'fixed' && p.kind.kind !== 'sizeof');
}

/** The parts of a function's pointer typedef: `typedef <returnCType> (<cc> *sbfn_<name>)(<paramTypes>)`. */
export function pointerType(f: Win32Function): { name: string; returnCType: string; cc: string; paramTypes: string } {
  return {
    name: f.name,
    returnCType: f.returnCType,
    cc: f.invoke.callingConvention === 'cdecl' ? '__cdecl' : 'WINAPI',
    paramTypes: f.params.map((p) => p.cType).join(', ') || 'void',
  };
}

/** Records some function takes by value, as the binding declares them (`sbv_<name>`: bytes of the right size and alignment). */
export function byValueRecords(model: Win32TargetModel): { name: string; size: number; align: number }[] {
  const byValue = new Map<string, { name: string; size: number; align: number }>();
  for (const f of model.functions) {
    for (const p of f.params) {
      if (p.kind.kind === 'struct' && p.kind.byValue) {
        const r = p.kind.record;
        byValue.set(r.name, { name: r.name, size: r.layout.size, align: r.layout.align });
      }
    }
  }
  return [...byValue.values()].sort((a, b) => a.name.localeCompare(b.name));
}
