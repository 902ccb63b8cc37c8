/**
 * The hand-curated Win32 choices (specs/win32/selection.yaml): which functions
 * to import, how the metadata's names map to sysbind's, and, per function,
 * conventions (what the metadata does not say) and overrides (where what it
 * says is wrong or too loose for a safe binding), each with a reason. The
 * importer reads the selection and the declarations; the generator applies
 * the conventions and overrides to the imported specs (win32-model.ts).
 */
import { SpecError } from '../errors.js';
import { loadSpecFile, type SourceFile } from './source-file.js';
import { CURATED_REFUSAL_CATEGORIES, type CuratedRefusalCategory } from './win32-refusal.js';

const failureSchema = {
  anyOf: [
    { enum: ['none', 'false', 'null', 'invalid-handle', 'zero', 'error-code', 'ntstatus', 'hresult'] },
    { type: 'object', additionalProperties: false, required: ['equals'], properties: { equals: { type: 'integer' } } },
  ],
} as const;

const paramSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'attrs'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    type: { type: 'string' },
    attrs: { type: 'array', items: { type: 'string' } },
    bytesParam: { type: 'string' },
    countParam: { type: 'string' },
  },
} as const;

/** What a convention or an override may say about one parameter. */
const paramChangeSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    type: { type: 'string' },
    attrs: { type: 'array', items: { type: 'string' } },
    bytesParam: { type: 'string' },
    countParam: { type: 'string' },
    fixed: { type: 'integer' },
    flags: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        allowed: { type: 'array', items: { type: 'string' } },
        required: { type: 'array', items: { type: 'string' } },
        forbidden: { type: 'array', items: { type: 'string' } },
      },
    },
    values: { type: 'array', items: { type: 'string' }, minItems: 1 },
    mapping: { enum: ['release', 'use'] },
    range: { const: true },
  },
} as const;

const functionChangeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  minProperties: 2,
  properties: {
    reason: { type: 'string', minLength: 10 },
    failure: failureSchema,
    clearLastError: { type: 'boolean' },
    callingConvention: { enum: ['winapi', 'cdecl'] },
    result: { type: 'string' },
    notAnError: { type: 'array', items: { type: 'string' }, minItems: 1 },
    returns: {
      type: 'object',
      additionalProperties: false,
      required: ['mapping'],
      properties: {
        mapping: {
          type: 'object',
          additionalProperties: false,
          required: ['length', 'release'],
          properties: { length: { type: 'string' }, release: { type: 'string' } },
        },
      },
    },
    params: { type: 'object', additionalProperties: paramChangeSchema, minProperties: 1 },
  },
} as const;

const nameList = { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true };

/** A list of groups, each with the reason its members are listed: every key required. */
function reasonedGroups(properties: Record<string, object>): object {
  return {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['reason', ...Object.keys(properties)],
      properties: { reason: { type: 'string', minLength: 10 }, ...properties },
    },
  };
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['metadata', 'architectures', 'booleans', 'errors', 'select'],
  properties: {
    metadata: { type: 'string' },
    architectures: { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 },
    booleans: { type: 'array', items: { type: 'string' } },
    handles: { type: 'array', items: { type: 'string' } },
    errors: {
      type: 'object',
      additionalProperties: false,
      required: ['lastError', 'ntstatus', 'hresult'],
      properties: Object.fromEntries(
        ['lastError', 'ntstatus', 'hresult'].map((k) => [
          k,
          { type: 'object', additionalProperties: false, required: ['type', 'prefer'], properties: { type: { type: 'string' }, prefer: { type: 'string' } } },
        ]),
      ),
    },
    paths: { type: 'array', items: { type: 'string' } },
    sizeFields: { type: 'object', additionalProperties: { type: 'string' } },
    select: { anyOf: [{ const: 'all' }, { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true }] },
    countedArrays: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['count', 'array', 'reason'],
        properties: { count: { type: 'string' }, array: { type: 'string' }, reason: { type: 'string', minLength: 10 } },
      },
    },
    valueFixes: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['reason', 'architectures', 'value'],
        properties: {
          reason: { type: 'string', minLength: 10 },
          value: { type: 'integer' },
          architectures: { type: 'array', items: { type: 'string' }, minItems: 1 },
        },
      },
    },
    recordFixes: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['reason'],
        minProperties: 2,
        properties: {
          reason: { type: 'string', minLength: 10 },
          align: { type: 'integer', minimum: 1 },
          architectures: { type: 'array', items: { type: 'string' }, minItems: 1 },
          fields: { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 },
        },
      },
    },
    dlls: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9_.-]+\\.(dll|drv)$' }, uniqueItems: true },
    validatedHandles: reasonedGroups({ types: nameList }),
    synchronousCallbacks: reasonedGroups({ functions: nameList }),
    trackedHandles: reasonedGroups({ types: { type: 'object', minProperties: 1, additionalProperties: nameList } }),
    refuse: reasonedGroups({ category: { enum: [...CURATED_REFUSAL_CATEGORIES] }, functions: nameList }),
    constants: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    declare: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['dll', 'namespace', 'returns', 'setLastError', 'params', 'reason'],
        properties: {
          dll: { type: 'string' },
          namespace: { type: 'string' },
          returns: { type: 'string' },
          setLastError: { type: 'boolean' },
          callingConvention: { enum: ['winapi', 'cdecl'] },
          params: { type: 'array', items: paramSchema },
          reason: { type: 'string', minLength: 10 },
        },
      },
    },
    conventions: { type: 'object', additionalProperties: functionChangeSchema },
    overrides: { type: 'object', additionalProperties: functionChangeSchema },
  },
} as const;

export type SelectionFailure = 'none' | 'false' | 'null' | 'invalid-handle' | 'zero' | 'error-code' | 'ntstatus' | 'hresult' | { equals: number };

export interface ParamChange {
  type?: string;
  attrs?: string[];
  bytesParam?: string;
  countParam?: string;
  fixed?: number;
  flags?: { allowed?: string[]; required?: string[]; forbidden?: string[] };
  values?: string[];
  mapping?: 'release' | 'use';
  range?: true;
}

export interface FunctionChange {
  reason: string;
  failure?: SelectionFailure;
  clearLastError?: boolean;
  callingConvention?: 'winapi' | 'cdecl';
  result?: string;
  notAnError?: string[];
  returns?: { mapping: { length: string; release: string } };
  params?: Record<string, ParamChange>;
}

export interface Declaration {
  dll: string;
  namespace: string;
  returns: string;
  setLastError: boolean;
  callingConvention?: 'winapi' | 'cdecl';
  params: { name: string; type: string; attrs: string[]; bytesParam?: string; countParam?: string }[];
  reason: string;
}

export interface ErrorTypeChoice {
  /** The type whose values name the errors (an enum, or a typedef whose constants are the codes). */
  type: string;
  /** Among several names for one value, the first one with this prefix wins. */
  prefer: string;
}

export interface SelectionFile {
  metadata: string;
  /** Metadata architecture name → Node arch name. */
  architectures: Record<string, string>;
  /** Typedefs that are C booleans (BOOL): JavaScript booleans in and out. */
  booleans: string[];
  /** Typedefs to treat as handles besides those the metadata marks (a free function or an invalid value). */
  handles?: string[];
  errors: { lastError: ErrorTypeChoice; ntstatus: ErrorTypeChoice; hresult: ErrorTypeChoice };
  /** Parameter names that are file system paths (named in errors as `path`, then `dest`). */
  paths?: string[];
  /** Struct → its size field, which the caller must set to the struct's size (preset by the TS class). */
  sizeFields?: Record<string, string>;
  select: 'all' | string[];
  /**
   * Corrections of records where the metadata's JSON form loses what the C declaration says:
   * `__declspec(align(N))`, and a field typed with an enum wider than the field (LOGFONTW's BYTE
   * fields typed FONT_CHARSET, a UInt32 enum). The audit against the SDK headers finds these.
   */
  recordFixes?: Record<string, { reason: string; align?: number; architectures?: string[]; fields?: Record<string, string> }>;
  /**
   * Enum values that differ per architecture where the metadata's JSON form keeps one
   * (IMAGE_NT_OPTIONAL_HDR_MAGIC is the 64-bit magic on x64 and arm64, the 32-bit one on ia32).
   */
  valueFixes?: Record<string, { reason: string; architectures: string[]; value: number }>;
  /**
   * Records ending in an ANYSIZE_ARRAY whose element count is one of their fields
   * (TOKEN_PRIVILEGES.PrivilegeCount): the binding checks before the call that the count
   * fits the buffer JS passed, so the callee never reads or writes past it.
   */
  countedArrays?: Record<string, { count: string; array: string; reason: string }>;
  /** DLLs (lower case) whose every function is imported; those the attributes describe are bound safely, the rest refused with the reason. */
  dlls?: string[];
  /**
   * Handle types whose junk values the system rejects with an error (a kernel, USER or GDI
   * handle table lookup), grouped with the reason. A function of dlls taking any other
   * handle type is refused: such a handle is a pointer in disguise.
   */
  validatedHandles?: { reason: string; types: string[] }[];
  /**
   * Handle types that are addresses of user-mode objects, made safe by tracking: the binding
   * keeps the values its functions returned and accepts no other, and forgets a value when
   * one of its release functions (the list per type) is called. Grouped with the reason.
   */
  trackedHandles?: { reason: string; types: Record<string, string[]> }[];
  /**
   * Functions that call their callback only while they run, on the calling thread
   * (EnumWindows): bound with the callback a JavaScript function. Any other function
   * taking a callback stays refused (it would call into JS later, from anywhere).
   */
  synchronousCallbacks?: { reason: string; functions: string[] }[];
  /**
   * Functions of dlls refused although their attributes describe them, grouped with the
   * reason: they hurt the process, or the metadata's description of them is wrong in a way
   * no attribute says (a count inside a record, a HANDLE that is a pointer).
   */
  refuse?: {
    category: CuratedRefusalCategory;
    reason: string;
    functions: string[];
  }[];
  constants?: string[];
  declare?: Record<string, Declaration>;
  conventions?: Record<string, FunctionChange>;
  overrides?: Record<string, FunctionChange>;
}

export type Selection = SourceFile<SelectionFile>;

export function loadSelection(file: string): Selection {
  const source = loadSpecFile<SelectionFile>(file, schema);
  const { declare = {}, conventions = {}, overrides = {} } = source.data;
  for (const name of Object.keys(declare)) {
    if (Array.isArray(source.data.select) && !source.data.select.includes(name)) {
      throw new SpecError(`'${name}' is declared but not selected: add it to select or remove the declaration`, source.at(['declare', name]));
    }
  }
  for (const [section, entries] of [['conventions', conventions], ['overrides', overrides]] as const) {
    for (const [name, change] of Object.entries(entries)) {
      if (change.failure === undefined && change.clearLastError) {
        throw new SpecError(`${name}: clearLastError only makes sense with a failure convention on the same entry`, source.at([section, name, 'clearLastError']));
      }
    }
  }
  return source;
}

/** Typedefs treated as handles besides those the metadata marks: `handles` and every validated handle type. */
export function extraHandleTypes(sel: SelectionFile): string[] {
  return [...(sel.handles ?? []), ...(sel.validatedHandles ?? []).flatMap((g) => g.types), ...(sel.trackedHandles ?? []).flatMap((g) => Object.keys(g.types))];
}

/** Node arch names for a metadata `Architectures` list (empty means every architecture: undefined). */
export function mapArchitectures(selection: Selection, archs: readonly string[], where: string): string[] | undefined {
  if (archs.length === 0) return undefined;
  return archs.map((a) => {
    const mapped = selection.data.architectures[a];
    if (mapped === undefined) {
      throw new SpecError(`${where}: metadata architecture '${a}' has no Node arch name in architectures`, selection.at(['architectures']));
    }
    return mapped;
  });
}
