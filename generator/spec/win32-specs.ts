/**
 * Loads every Win32 spec file once, each validated against its JSON schema
 * (errors say file:line): the imported functions/<dll>.json, types.json and
 * constants.json, the hand-curated selection.yaml, and headers.yaml (what the
 * audit compiles against). Per-target resolution happens in win32-model.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '../errors.js';
import { loadSelection, type Selection } from './win32-selection.js';
import type { SpecConstantsFile, SpecField, SpecFunctionsFile, SpecTypesFile } from './win32-spec-types.js';
import { loadSpecFile, type SourceFile } from './source-file.js';

const source = {
  type: 'object',
  additionalProperties: false,
  required: ['metadata', 'selection'],
  properties: { metadata: { type: 'string' }, selection: { type: 'string' } },
} as const;

const header = { $comment: { type: 'string' }, source } as const;
const archs = { type: 'array', items: { type: 'string' }, minItems: 1 } as const;
const name = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.]*$' } as const;

const param = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'attrs'],
  properties: {
    name,
    type: { type: 'string' },
    attrs: { type: 'array', items: { type: 'string' } },
    bytesParam: { type: 'string' },
    countParam: { type: 'string' },
    countConst: { type: 'integer', minimum: 0 },
  },
} as const;

const failure = {
  anyOf: [
    { enum: ['none', 'false', 'null', 'invalid-handle', 'zero', 'error-code', 'ntstatus', 'hresult'] },
    { type: 'object', additionalProperties: false, required: ['equals'], properties: { equals: { type: 'integer' } } },
  ],
} as const;

const functionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['$comment', 'source', 'dll', 'functions'],
  properties: {
    ...header,
    dll: { type: 'string' },
    functions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'namespace', 'callingConvention', 'setLastError', 'returns', 'failure', 'params'],
        properties: {
          name,
          namespace: { type: 'string' },
          declared: { type: 'object', additionalProperties: false, required: ['at', 'reason'], properties: { at: { type: 'string' }, reason: { type: 'string' } } },
          architectures: archs,
          callingConvention: { enum: ['winapi', 'cdecl'] },
          charset: { enum: ['W', 'A'] },
          setLastError: { type: 'boolean' },
          platform: { type: 'string' },
          attrs: { type: 'array', items: { type: 'string' } },
          returns: { type: 'string' },
          failure: {
            anyOf: [
              { type: 'null' },
              { type: 'object', additionalProperties: false, required: ['kind', 'rule'], properties: { kind: failure, rule: { type: 'string' } } },
            ],
          },
          params: { type: 'array', items: param },
        },
      },
    },
    excluded: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['name', 'reason'], properties: { name, reason: { type: 'string' } } },
    },
  },
} as const;

const typesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['$comment', 'source', 'typedefs', 'enums', 'records', 'callbacks', 'interfaces'],
  $defs: {
    field: {
      type: 'object',
      required: ['name'],
      oneOf: [
        {
          additionalProperties: false,
          required: ['type'],
          properties: { name, type: { type: 'string' }, attrs: { type: 'array', items: { type: 'string' } } },
        },
        ...['struct', 'union'].map((kind) => ({
          additionalProperties: false,
          required: [kind],
          properties: {
            name,
            anonymous: { const: true },
            suffix: { type: 'string', pattern: '^(\\*|\\[\\d+\\])+$' },
            pack: { type: 'integer', minimum: 1 },
            [kind]: { type: 'array', items: { $ref: '#/$defs/field' } },
          },
        })),
      ],
    },
  },
  properties: {
    ...header,
    typedefs: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'namespace', 'type'],
        properties: { name, namespace: { type: 'string' }, architectures: archs, type: { type: 'string' }, freeFunc: { type: 'string' }, invalidValue: { type: 'integer' }, alsoUsableFor: { type: 'string' } },
      },
    },
    enums: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'namespace', 'flags', 'base', 'values'],
        properties: {
          name,
          namespace: { type: 'string' },
          flags: { type: 'boolean' },
          base: { type: 'string' },
          values: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'value'],
              properties: { name, value: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?\\d+$' }] } },
            },
          },
        },
      },
    },
    records: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'namespace', 'kind', 'fields'],
        properties: {
          name,
          namespace: { type: 'string' },
          kind: { enum: ['struct', 'union'] },
          architectures: archs,
          pack: { type: 'integer', minimum: 1 },
          fields: { type: 'array', items: { $ref: '#/$defs/field' } },
        },
      },
    },
    callbacks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'namespace', 'callingConvention', 'returns', 'params'],
        properties: {
          name,
          namespace: { type: 'string' },
          architectures: archs,
          callingConvention: { enum: ['winapi', 'cdecl'] },
          returns: { type: 'string' },
          params: { type: 'array', items: param },
        },
      },
    },
    interfaces: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'namespace'],
        properties: { name, namespace: { type: 'string' }, external: { const: true } },
      },
    },
  },
} as const;

const constantsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['$comment', 'source', 'constants'],
  properties: {
    ...header,
    constants: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'namespace', 'type', 'value'],
        properties: {
          name,
          namespace: { type: 'string' },
          type: { type: 'string' },
          value: { anyOf: [{ type: 'number' }, { type: 'string' }] },
          string: { const: true },
        },
      },
    },
    skipped: { type: 'object', additionalProperties: { type: 'integer' } },
  },
} as const;

/** headers.yaml: what the audit compiles the specs against. */
export interface HeadersFile {
  /** Macros defined before the headers (name -> why the headers need it). */
  defines?: Record<string, string>;
  /** Headers every audit part includes, in order. */
  include: string[];
  /** Metadata enums whose values are C enumerators (not macros) in the headers: asserted without #ifdef. */
  enumerators: string[];
  /** Include directories clang needs for a mingw target when no mingw gcc is installed. */
  clangIncludeDirs: string[];
  /** Items (constants, `Record.field`s) the headers lack, with why: reported, not asserted. */
  absent?: Record<string, string>;
  /** Records the headers spell differently (a struct tag, an older name of the same layout), with why. */
  headerNames?: Record<string, { as: string; reason: string }>;
  /** Constants whose value in the headers differs from the metadata's: the headers' value is asserted. */
  differences?: Record<string, { headers: number; reason: string }>;
  /**
   * Per target, bound functions mingw-w64's import libraries do not export (newer Windows
   * builds have them): the link test checks they really fail to link instead of linking them.
   */
  absentExports?: Record<string, string[]>;
}

const headersSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['include', 'enumerators', 'clangIncludeDirs'],
  properties: {
    defines: { type: 'object', additionalProperties: { type: 'string', minLength: 10 } },
    include: { type: 'array', items: { type: 'string' }, minItems: 1 },
    enumerators: { type: 'array', items: { type: 'string' } },
    clangIncludeDirs: { type: 'array', items: { type: 'string' } },
    absent: { type: 'object', additionalProperties: { type: 'string', minLength: 10 } },
    headerNames: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['as', 'reason'],
        properties: { as: { type: 'string', minLength: 1 }, reason: { type: 'string', minLength: 10 } },
      },
    },
    absentExports: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' }, uniqueItems: true } },
    differences: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['headers', 'reason'],
        properties: { headers: { type: 'integer' }, reason: { type: 'string', minLength: 10 } },
      },
    },
  },
} as const;

/** specs/win32/headers.yaml alone (the audit needs nothing else of the Win32 specs). */
export function loadWin32Headers(specsDir: string): SourceFile<HeadersFile> {
  return loadSpecFile<HeadersFile>(join(specsDir, 'win32', 'headers.yaml'), headersSchema);
}

/** What clang needs to find the Windows headers for a mingw target that has no mingw gcc. */
export function win32ClangArgs(headers: HeadersFile): string[] {
  return headers.clangIncludeDirs.flatMap((d) => ['-isystem', d]);
}

export interface Win32Specs {
  dir: string;
  functions: SourceFile<SpecFunctionsFile>[];
  types: SourceFile<SpecTypesFile>;
  constants: SourceFile<SpecConstantsFile>;
  selection: Selection;
  headers: SourceFile<HeadersFile>;
  /** Every file read (for generated-file banners). */
  files: string[];
}

export function loadWin32Specs(specsDir: string): Win32Specs {
  const dir = join(specsDir, 'win32');
  const functionsDir = join(dir, 'functions');
  if (!existsSync(functionsDir)) {
    throw new SpecError(`no Win32 functions specs in ${functionsDir}: run \`sysbind import win32 --metadata <dir> --select specs/win32/selection.yaml\``);
  }
  const functionFiles = readdirSync(functionsDir).filter((f) => f.endsWith('.json')).sort().map((f) => join(functionsDir, f));
  const files = [...functionFiles, join(dir, 'types.json'), join(dir, 'constants.json'), join(dir, 'selection.yaml'), join(dir, 'headers.yaml')];
  const specs: Win32Specs = {
    dir,
    functions: functionFiles.map((f) => loadSpecFile<SpecFunctionsFile>(f, functionsSchema)),
    types: loadSpecFile<SpecTypesFile>(join(dir, 'types.json'), typesSchema),
    constants: loadSpecFile<SpecConstantsFile>(join(dir, 'constants.json'), constantsSchema),
    selection: loadSelection(join(dir, 'selection.yaml')),
    headers: loadWin32Headers(specsDir),
    files,
  };
  checkHeadersNames(specs);
  return specs;
}

/** Every `absent`, `headerNames` and `differences` entry of headers.yaml names a constant, a record or a `Record.field` of the specs. */
function checkHeadersNames(specs: Win32Specs): void {
  const { headers, types, constants } = specs;
  const constantNames = new Set([...constants.data.constants.map((c) => c.name), ...types.data.enums.flatMap((e) => e.values.map((v) => v.name))]);
  const hasField = (fields: SpecField[], path: string[]): boolean =>
    fields.some((f) => {
      if ('type' in f) return path.length === 1 && f.name === path[0];
      const body = 'struct' in f ? f.struct : f.union;
      return f.anonymous ? hasField(body, path) : f.name === path[0] && (path.length === 1 || hasField(body, path.slice(1)));
    });
  for (const name of Object.keys(headers.data.absent ?? {})) {
    const [record, ...path] = name.split('.');
    const ok = path.length === 0 ? constantNames.has(name) || types.data.records.some((r) => r.name === name) : types.data.records.some((r) => r.name === record && hasField(r.fields, path));
    if (!ok) throw new SpecError(`absent: '${name}' is not a constant, a record or a Record.field of the Win32 specs`, headers.at(['absent', name]));
  }
  for (const name of Object.keys(headers.data.headerNames ?? {})) {
    if (!types.data.records.some((r) => r.name === name)) throw new SpecError(`headerNames: '${name}' is not a record of the Win32 specs`, headers.at(['headerNames', name]));
  }
  for (const name of Object.keys(headers.data.differences ?? {})) {
    if (!constantNames.has(name)) throw new SpecError(`differences: '${name}' is not a constant of the Win32 specs`, headers.at(['differences', name]));
  }
}
