/**
 * The Win32 spec formats: what `sysbind import win32` writes (JSON, one
 * functions file per DLL, types.json, constants.json) and the shapes both the
 * importer and the generator share. The JSON schemas that validate them live
 * in win32-specs.ts.
 *
 * Type references are compact strings: a native name (`UInt32`, `Char`,
 * `IntPtr`, `Void`, …) or a metadata type name (`HANDLE`, `FILETIME`; written
 * `Namespace.Name` only where two namespaces declare the same name), followed
 * by suffixes applied left to right: `*` (pointer) and `[N]` (array of N).
 * `PWSTR`, `FILETIME*`, `Char[260]`, `Void*`.
 */

export interface SpecParam {
  name: string;
  type: string;
  /** Metadata attributes (`In`, `Out`, `Optional`, `Const`, `Reserved`, …); `MemorySize` and LPArray counts become the fields below. */
  attrs: string[];
  /** The parameter holding this buffer's size in bytes (metadata MemorySize). */
  bytesParam?: string;
  /** The parameter holding this array's element count (metadata LPArray CountParamIndex). */
  countParam?: string;
  /** A fixed element count (metadata LPArray CountConst). */
  countConst?: number;
}

/**
 * How a function reports failure:
 * - none           it cannot fail (or reports nothing)
 * - false          returns FALSE (0); the reason is GetLastError()
 * - null           returns NULL; the reason is GetLastError()
 * - invalid-handle returns INVALID_HANDLE_VALUE (-1); the reason is GetLastError()
 * - zero           returns 0; the reason is GetLastError()
 * - error-code     returns a Win32 error code; 0 (ERROR_SUCCESS) means success
 * - ntstatus       returns an NTSTATUS; negative (NT_SUCCESS false) means failure
 * - hresult        returns an HRESULT; negative (FAILED) means failure
 * - {equals: N}    returns N on failure; the reason is GetLastError()
 */
export type FailureKind = 'none' | 'false' | 'null' | 'invalid-handle' | 'zero' | 'error-code' | 'ntstatus' | 'hresult';
export type Failure = FailureKind | { equals: number };

export interface SpecFunction {
  name: string;
  /** The metadata namespace it comes from (documentation only). */
  namespace: string;
  /** Where the selection declared it, for functions the metadata does not carry. */
  declared?: { at: string; reason: string };
  /** Node arch names it exists on; absent means every architecture. */
  architectures?: string[];
  callingConvention: 'winapi' | 'cdecl';
  /** `W` or `A` for one form of a function that has both, absent otherwise. */
  charset?: 'W' | 'A';
  setLastError: boolean;
  /** Minimum Windows version, as the metadata spells it. */
  platform?: string;
  attrs?: string[];
  returns: string;
  /** The failure convention the metadata implies (with the rule that says so), or null where it is silent. */
  failure: { kind: Failure; rule: string } | null;
  params: SpecParam[];
}

export interface SpecFunctionsFile {
  $comment: string;
  source: SpecSource;
  dll: string;
  functions: SpecFunction[];
  /** Functions of the DLL the importer left out, each with the reason. */
  excluded?: { name: string; reason: string }[];
}

export interface SpecSource {
  metadata: string;
  selection: string;
}

/**
 * A record member: an ordinary field, or a nested struct/union (anonymous, or
 * named; `suffix` makes the member a pointer to or an array of it, `[4]`).
 */
export type SpecField =
  | { name: string; type: string; attrs?: string[] }
  | { name: string; anonymous?: true; suffix?: string; pack?: number; struct: SpecField[] }
  | { name: string; anonymous?: true; suffix?: string; pack?: number; union: SpecField[] };

export interface SpecRecord {
  name: string;
  namespace: string;
  kind: 'struct' | 'union';
  architectures?: string[];
  /** `#pragma pack(N)` in force (metadata PackingSize); absent for the default. */
  pack?: number;
  fields: SpecField[];
}

export interface SpecEnum {
  name: string;
  namespace: string;
  /** Values combine as bit flags. */
  flags: boolean;
  base: string;
  values: { name: string; value: number | string }[];
}

export interface SpecTypedef {
  name: string;
  namespace: string;
  architectures?: string[];
  type: string;
  /** The function that releases a value of this type (marks a handle). */
  freeFunc?: string;
  /** The value the metadata names invalid (marks a handle). */
  invalidValue?: number;
  /** A handle type a value of this one also is (the metadata's AlsoUsableFor: an HBITMAP is an HGDIOBJ). */
  alsoUsableFor?: string;
}

export interface SpecCallback {
  name: string;
  namespace: string;
  architectures?: string[];
  callingConvention: 'winapi' | 'cdecl';
  returns: string;
  params: SpecParam[];
}

export interface SpecTypesFile {
  $comment: string;
  source: SpecSource;
  typedefs: SpecTypedef[];
  enums: SpecEnum[];
  records: SpecRecord[];
  callbacks: SpecCallback[];
  /** COM interfaces referenced (always through pointers); `external` for WinRT types outside the metadata. */
  interfaces: { name: string; namespace: string; external?: true }[];
}

export interface SpecConstant {
  name: string;
  namespace: string;
  type: string;
  /** Integers beyond 2^53 are decimal strings; string constants are strings with `string: true`. */
  value: number | string;
  string?: true;
}

export interface SpecConstantsFile {
  $comment: string;
  source: SpecSource;
  constants: SpecConstant[];
  /** Constants of kinds sysbind does not represent (PropertyKey values), counted per kind. */
  skipped?: Record<string, number>;
}

/** The metadata's native type names and their C integer (or float) facts. */
export const NATIVE_TYPES = {
  Void: null,
  Boolean: { bits: 8, signed: false },
  SByte: { bits: 8, signed: true },
  Byte: { bits: 8, signed: false },
  Int16: { bits: 16, signed: true },
  UInt16: { bits: 16, signed: false },
  Char: { bits: 16, signed: false },
  Int32: { bits: 32, signed: true },
  UInt32: { bits: 32, signed: false },
  Int64: { bits: 64, signed: true },
  UInt64: { bits: 64, signed: false },
  IntPtr: { bits: 'pointer', signed: true },
  UIntPtr: { bits: 'pointer', signed: false },
  Single: { bits: 32, float: true },
  Double: { bits: 64, float: true },
  Guid: null,
} as const;

export type NativeName = keyof typeof NATIVE_TYPES;

export function isNativeName(name: string): name is NativeName {
  return Object.prototype.hasOwnProperty.call(NATIVE_TYPES, name);
}

/** A parsed type reference: base name plus suffixes, outermost last. */
export interface TypeRef {
  base: string;
  suffixes: ({ kind: 'pointer' } | { kind: 'array'; length: number })[];
}

const TYPE_REF = /^([A-Za-z_][A-Za-z0-9_.]*)((?:\*|\[\d+\])*)$/;

/** Parses a spec type string; undefined when it is not one. */
export function parseTypeRef(text: string): TypeRef | undefined {
  const m = TYPE_REF.exec(text.replace(/\s+/g, ''));
  if (!m) return undefined;
  const suffixes: TypeRef['suffixes'] = [];
  for (const s of m[2]!.match(/\*|\[\d+\]/g) ?? []) suffixes.push(s === '*' ? { kind: 'pointer' } : { kind: 'array', length: Number(s.slice(1, -1)) });
  return { base: m[1]!, suffixes };
}

/** Lower-case DLL name without `.dll`, made an identifier: the functions file's and the TypeScript module's name. */
export function dllModuleName(dll: string): string {
  return dll
    .toLowerCase()
    .replace(/\.dll$/, '')
    .replace(/[^a-z0-9_]/g, '_');
}
