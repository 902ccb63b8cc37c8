/**
 * Reads Microsoft's Win32 metadata in its JSON form (one file per API
 * namespace under api/, as the win32json project publishes it) and indexes
 * it: functions by name, types by namespace and name, constants by name.
 * Only reading and indexing happens here; choosing what to import and turning
 * it into specs is import-win32.ts's job.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImportError } from '../../errors.js';

/** A type reference as the metadata writes it. */
export type MdType =
  | { Kind: 'Native'; Name: string }
  | { Kind: 'ApiRef'; Name: string; TargetKind: string; Api: string; Parents: string[] }
  | { Kind: 'PointerTo'; Child: MdType }
  | { Kind: 'Array'; Shape: { Size: number } | null; Child: MdType }
  | { Kind: 'LPArray'; NullNullTerm: boolean; CountConst: number; CountParamIndex: number; Child: MdType }
  | { Kind: 'MissingClrType'; Name: string; Namespace: string };

/** A parameter or field attribute: `In`, `Out`, `Optional`, `Const`, … or `{Kind: 'MemorySize', BytesParamIndex}`. */
export type MdAttr = string | { Kind: string; BytesParamIndex?: number; Message?: string };

export interface MdParam {
  Name: string;
  Type: MdType;
  Attrs: MdAttr[];
}

export interface MdFunction {
  Name: string;
  SetLastError: boolean;
  DllImport: string;
  ReturnType: MdType;
  ReturnAttrs: MdAttr[];
  Architectures: string[];
  Platform: string | null;
  Attrs: MdAttr[];
  Params: MdParam[];
}

export interface MdField {
  Name: string;
  Type: MdType;
  Attrs: MdAttr[];
}

interface MdTypeBase {
  Name: string;
  Architectures: string[];
  Platform: string | null;
}

export interface MdRecord extends MdTypeBase {
  Kind: 'Struct' | 'Union';
  Size: number;
  PackingSize: number;
  Attrs: MdAttr[];
  Fields: MdField[];
  NestedTypes: MdRecord[];
}

export interface MdEnum extends MdTypeBase {
  Kind: 'Enum';
  Flags: boolean;
  Scoped: boolean;
  /** Values beyond 2^53 are decimal strings (see readMetadata). */
  Values: { Name: string; Value: number | string }[];
  IntegerBase: string | null;
}

export interface MdNativeTypedef extends MdTypeBase {
  Kind: 'NativeTypedef';
  AlsoUsableFor: string | null;
  Def: MdType;
  FreeFunc: string | null;
  InvalidHandleValue: number | null;
}

export interface MdFunctionPointer extends MdTypeBase {
  Kind: 'FunctionPointer';
  SetLastError: boolean;
  ReturnType: MdType;
  Attrs: MdAttr[];
  Params: MdParam[];
}

/** COM interfaces and class ids: only their names matter to the importer. */
export interface MdOther extends MdTypeBase {
  Kind: 'Com' | 'ComClassID';
}

export type MdTypeDef = MdRecord | MdEnum | MdNativeTypedef | MdFunctionPointer | MdOther;

export interface MdConstant {
  Name: string;
  Type: MdType;
  ValueType: string;
  /** A number, a decimal string for integers beyond 2^53, a string for string constants, or an object (PropertyKey). */
  Value: unknown;
  Attrs: MdAttr[];
}

interface MdNamespaceFile {
  Constants: MdConstant[];
  Types: MdTypeDef[];
  Functions: MdFunction[];
  UnicodeAliases: string[];
}

export interface Located<T> {
  namespace: string;
  item: T;
}

export interface Metadata {
  dir: string;
  /** The metadata's version (version.txt), e.g. `31.0.4-preview`. */
  version: string;
  namespaces: string[];
  /** Every function; a name has several entries when per-architecture variants exist. */
  functions: Map<string, Located<MdFunction>[]>;
  /** `namespace.name` → the type's per-architecture variants. */
  types: Map<string, Located<MdTypeDef>[]>;
  /** Type name → namespaces declaring it (to resolve unqualified names). */
  typeNamespaces: Map<string, string[]>;
  constants: Map<string, Located<MdConstant>>;
  /** Names that have W and A forms (`CreateFile` for CreateFileW/CreateFileA). */
  unicodeAliases: Set<string>;
}

const BIG_VALUE = /("Value":\s*)(-?\d{16,})/g;

export function typeKey(namespace: string, name: string): string {
  return `${namespace}.${name}`;
}

/** Reads every namespace file of a metadata folder (the one holding api/ and version.txt). */
export function readMetadata(dir: string): Metadata {
  const api = join(dir, 'api');
  if (!existsSync(api)) throw new ImportError(`not a Win32 metadata folder (no api/ inside): ${dir}`);
  const versionFile = join(dir, 'version.txt');
  if (!existsSync(versionFile)) throw new ImportError(`no version.txt in the metadata folder ${dir}: cannot say which metadata the specs come from`);
  const version = readFileSync(versionFile, 'utf8').trim();
  const files = readdirSync(api).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new ImportError(`no namespace files (*.json) in ${api}`);
  const md: Metadata = {
    dir,
    version,
    namespaces: [],
    functions: new Map(),
    types: new Map(),
    typeNamespaces: new Map(),
    constants: new Map(),
    unicodeAliases: new Set(),
  };
  for (const f of files) {
    const namespace = f.slice(0, -'.json'.length);
    let data: MdNamespaceFile;
    try {
      // The files start with a UTF-8 byte order mark. Integers beyond 2^53 (UInt64
      // constants and enum values) are read as decimal strings so none is rounded.
      const text = readFileSync(join(api, f), 'utf8').replace(/^\uFEFF/, '').replace(BIG_VALUE, '$1"$2"');
      data = JSON.parse(text) as MdNamespaceFile;
    } catch (e) {
      throw new ImportError(`cannot read metadata namespace ${f}: ${(e as Error).message}`, { file: join(api, f) });
    }
    md.namespaces.push(namespace);
    for (const fn of data.Functions) push(md.functions, fn.Name, { namespace, item: fn });
    for (const t of data.Types) {
      push(md.types, typeKey(namespace, t.Name), { namespace, item: t });
      const where = md.typeNamespaces.get(t.Name) ?? [];
      if (!where.includes(namespace)) where.push(namespace);
      md.typeNamespaces.set(t.Name, where);
    }
    for (const c of data.Constants) {
      const prev = md.constants.get(c.Name);
      if (prev) throw new ImportError(`constant ${c.Name} is declared in both ${prev.namespace} and ${namespace}`, { file: join(api, f) });
      md.constants.set(c.Name, { namespace, item: c });
    }
    for (const a of data.UnicodeAliases) md.unicodeAliases.add(a);
  }
  return md;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
