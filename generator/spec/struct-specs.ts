/**
 * Loads struct/union declarations (specs/<platform>/types/*.yaml) and resolves
 * them for one target: picks the per-arch variant, expands typedefs, and builds
 * the RecordDecl the layout engine takes, plus what C cannot say about fields
 * (byte order, which pointer is a buffer of which length).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError, type Place } from '../errors.js';
import type { FieldDecl, RecordDecl } from '../model/ctype.js';
import { resolveType, TypeParseError, type TypeScope } from './ctype-parse.js';
import { loadSpecFile, type SourceFile } from './source-file.js';
import { selectsTarget } from './selectors.js';
import type { Target } from './targets.js';

// A variant applies to the targets any of its selectors names (spec/selectors.ts).
const whenSchema = { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } as const;

const fieldSchema = {
  type: 'object',
  minProperties: 1,
  anyOf: [
    // `- name: type` shorthand
    { maxProperties: 1, not: { anyOf: [{ required: ['name'] }, { required: ['union'] }, { required: ['struct'] }] }, additionalProperties: { type: 'string' } },
    {
      required: ['name', 'type'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        type: { type: 'string' },
        bits: { type: 'integer', minimum: 0, maximum: 64 },
        align: { type: 'integer', minimum: 1 },
        packed: { type: 'boolean' },
        byteOrder: { enum: ['big', 'little'] },
        buffer: {
          type: 'object',
          additionalProperties: false,
          required: ['length'],
          properties: { length: { type: 'string' }, optional: { type: 'boolean' } },
        },
        array: { type: 'object', additionalProperties: false, required: ['length'], properties: { length: { type: 'string' } } },
        doc: { type: 'string' },
      },
    },
    // unnamed bitfield (padding): { type: int, bits: 32 }
    { required: ['type', 'bits'], not: { required: ['name'] }, additionalProperties: false, properties: { type: { type: 'string' }, bits: { type: 'integer', minimum: 0, maximum: 64 } } },
    // anonymous member: { union: [fields] } or { struct: [fields] }
    { maxProperties: 1, required: ['union'], properties: { union: { type: 'array', items: { $ref: '#/$defs/field' } } } },
    { maxProperties: 1, required: ['struct'], properties: { struct: { type: 'array', items: { $ref: '#/$defs/field' } } } },
  ],
} as const;

const bodyProps = {
  packed: { type: 'boolean' },
  pack: { type: 'integer', minimum: 1 },
  align: { type: 'integer', minimum: 1 },
  fields: { type: 'array', items: { $ref: '#/$defs/field' }, minItems: 1 },
} as const;

const recordSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['cname', 'header'],
  oneOf: [{ required: ['fields'] }, { required: ['variants'] }],
  properties: {
    cname: { type: ['string', 'null'] },
    header: { type: 'string' },
    tsName: { type: 'string', pattern: '^[A-Z][A-Za-z0-9]*$' },
    /** Other struct tags the kernel's prototypes use for the same layout (user_msghdr for msghdr). */
    kernelNames: { type: 'array', items: { type: 'string' } },
    auditSize: { type: 'boolean' },
    auditSizeExpr: { type: 'string' },
    doc: { type: 'string' },
    ...bodyProps,
    variants: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', additionalProperties: false, required: ['fields'], properties: { when: whenSchema, ...bodyProps } },
    },
  },
} as const;

const fileSchema = {
  $defs: { field: fieldSchema },
  type: 'object',
  additionalProperties: false,
  properties: {
    typedefs: { type: 'object', additionalProperties: { type: 'string' } },
    structs: { type: 'object', additionalProperties: recordSchema },
    unions: { type: 'object', additionalProperties: recordSchema },
  },
} as const;

type FieldSpec =
  | Record<string, string>
  | {
      name: string;
      type: string;
      bits?: number;
      align?: number;
      packed?: boolean;
      byteOrder?: 'big' | 'little';
      buffer?: { length: string; optional?: boolean };
      array?: { length: string };
      doc?: string;
    }
  | { type: string; bits: number }
  | { union: FieldSpec[] }
  | { struct: FieldSpec[] };

/** Selectors (spec/selectors.ts): the variant applies to a target any of them names. */
type When = string[];
interface Body {
  packed?: boolean;
  pack?: number;
  align?: number;
  fields: FieldSpec[];
}
interface RecordSpec extends Partial<Body> {
  cname: string | null;
  header: string;
  tsName?: string;
  kernelNames?: string[];
  auditSize?: boolean;
  auditSizeExpr?: string;
  doc?: string;
  variants?: (Body & { when?: When })[];
}
interface TypesFile {
  typedefs?: Record<string, string>;
  structs?: Record<string, RecordSpec>;
  unions?: Record<string, RecordSpec>;
}

/** What the generator knows about a field beyond its C type. */
export interface FieldMeta {
  byteOrder?: 'big' | 'little';
  /** A pointer field that holds a caller's buffer whose byte length is stored in field `length`. */
  buffer?: { length: string; optional: boolean };
  /** A pointer field that holds an array of records whose element count is stored in field `length`. */
  array?: { length: string };
  doc?: string;
  place: Place;
}

export interface StructModel {
  name: string;
  tsName: string;
  kind: 'struct' | 'union';
  /** Struct tags the kernel's prototypes use for it besides cname's. */
  kernelNames: string[];
  /** The C spelling to audit against, or null where no header declares it. */
  cname: string | null;
  header: string;
  auditSize: boolean;
  auditSizeExpr?: string;
  doc?: string;
  decl: RecordDecl;
  fields: Map<string, FieldMeta>;
  place: Place;
}

/**
 * Whether the record has pointer fields that hold a caller's buffers (iovec's
 * iov_base, msghdr's msg_iov): such a record is sealed before each call.
 */
export function keepsBuffers(s: StructModel): boolean {
  return [...s.fields.values()].some((m) => m.buffer !== undefined || m.array !== undefined);
}

interface RecordEntry {
  name: string;
  kind: 'struct' | 'union';
  spec: RecordSpec;
  source: SourceFile<TypesFile>;
}

export interface TypeSpecs {
  typedefs: Map<string, { type: string; place: Place }>;
  records: Map<string, RecordEntry>;
  files: string[];
}

/** Reads and validates every YAML file in a types folder; duplicate names are errors. */
export function loadTypeSpecs(dir: string): TypeSpecs {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const typedefs = new Map<string, { type: string; place: Place }>();
  const records = new Map<string, RecordEntry>();
  for (const f of files) {
    const source = loadSpecFile<TypesFile>(join(dir, f), fileSchema);
    for (const [name, type] of Object.entries(source.data.typedefs ?? {})) {
      const prev = typedefs.get(name);
      const place = source.at(['typedefs', name]);
      if (prev) throw new SpecError(`typedef '${name}' is declared twice (first at ${prev.place.file}:${prev.place.line})`, place);
      typedefs.set(name, { type, place });
    }
    for (const kind of ['structs', 'unions'] as const) {
      for (const [name, spec] of Object.entries(source.data[kind] ?? {})) {
        const prev = records.get(name);
        if (prev) {
          const p = prev.source.at([prev.kind === 'struct' ? 'structs' : 'unions', name]);
          throw new SpecError(`record '${name}' is declared twice (first at ${p.file}:${p.line})`, source.at([kind, name]));
        }
        records.set(name, { name, kind: kind === 'structs' ? 'struct' : 'union', spec, source });
      }
    }
  }
  return { typedefs, records, files: files.map((f) => join(dir, f)) };
}

/** Members every generated struct class has (templates/runtime/struct.ts): no field may take these names. */
const RESERVED_FIELDS = new Set(['bytes', 'view', 'whole', 'refs', 'keep', 'kept', 'toJSON', 'constructor']);


export function pascalCase(name: string): string {
  return name
    .split(/_+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** Resolves every record for one target. Records no variant applies to are left out. */
export function resolveStructs(specs: TypeSpecs, target: Target, extraTypedefs: Map<string, string> = new Map()): Map<string, StructModel> {
  const out = new Map<string, StructModel>();
  const inProgress = new Set<string>();

  const scope: TypeScope = {
    typedef: (name) => specs.typedefs.get(name)?.type ?? extraTypedefs.get(name),
    record: (tag) => resolve(tag)?.decl,
  };

  function resolve(name: string): StructModel | undefined {
    const done = out.get(name);
    if (done) return done;
    const entry = specs.records.get(name);
    if (!entry) return undefined;
    const kindKey = entry.kind === 'struct' ? 'structs' : 'unions';
    if (inProgress.has(name)) throw new SpecError(`record '${name}' contains itself`, entry.source.at([kindKey, name]));
    inProgress.add(name);
    const { spec, source } = entry;
    let body: Body | undefined;
    let bodyPath: (string | number)[] = [kindKey, name];
    if (spec.variants) {
      const i = spec.variants.findIndex((v) => selectsTarget(v.when, target));
      if (i < 0) {
        inProgress.delete(name);
        return undefined;
      }
      body = spec.variants[i]!;
      bodyPath = [kindKey, name, 'variants', i];
    } else body = spec as Body;
    const metas = new Map<string, FieldMeta>();
    const fields = convertFields(body.fields, [...bodyPath, 'fields'], source, scope, metas);
    const decl: RecordDecl = { name, kind: entry.kind, fields, place: source.at(bodyPath) };
    if (body.packed) decl.packed = true;
    if (body.pack) decl.pack = body.pack;
    if (body.align) decl.align = body.align;
    checkMetaReferences(metas, fields, source.at([kindKey, name]));
    const model: StructModel = {
      name,
      tsName: spec.tsName ?? pascalCase(name),
      kernelNames: spec.kernelNames ?? [],
      kind: entry.kind,
      cname: spec.cname,
      header: spec.header,
      auditSize: spec.auditSize ?? true,
      auditSizeExpr: spec.auditSizeExpr,
      doc: spec.doc,
      decl,
      fields: metas,
      place: source.at([kindKey, name]),
    };
    inProgress.delete(name);
    out.set(name, model);
    return model;
  }

  for (const name of [...specs.records.keys()].sort()) resolve(name);
  const classes = new Map<string, StructModel>();
  for (const s of [...out.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const prev = classes.get(s.tsName);
    if (prev) throw new SpecError(`records '${prev.name}' and '${s.name}' would both become the TypeScript class '${s.tsName}'; set tsName on one`, s.place);
    classes.set(s.tsName, s);
  }
  return out;
}

function convertFields(
  list: FieldSpec[],
  path: (string | number)[],
  source: SourceFile<TypesFile>,
  scope: TypeScope,
  metas: Map<string, FieldMeta>,
): FieldDecl[] {
  return list.map((f, i) => {
    const place = source.at([...path, i]);
    if ('union' in f || 'struct' in f) {
      const kind = 'union' in f ? 'union' : 'struct';
      const inner = (f as Record<string, FieldSpec[]>)[kind]!;
      const decl: RecordDecl = { name: '', kind, fields: convertFields(inner, [...path, i, kind], source, scope, metas), place };
      return { type: { kind: 'record', decl } };
    }
    if ('bits' in f && !('name' in f)) {
      // Unnamed bitfield: padding the layout engine places and nothing names.
      const u = f as { type: string; bits: number };
      try {
        return { type: resolveType(u.type, scope), bits: u.bits, place };
      } catch (e) {
        if (e instanceof TypeParseError) throw new SpecError(`unnamed bitfield: ${e.message}`, place);
        throw e;
      }
    }
    const full = 'type' in f && typeof f.type === 'string' && 'name' in f ? (f as Extract<FieldSpec, { name: string; type: string }>) : undefined;
    const name = full ? full.name : Object.keys(f)[0]!;
    const typeText = full ? full.type : (f as Record<string, string>)[name]!;
    if (metas.has(name)) throw new SpecError(`field '${name}' appears twice`, place);
    if (RESERVED_FIELDS.has(name)) throw new SpecError(`field name '${name}' collides with a member of the generated struct class (${[...RESERVED_FIELDS].join(', ')})`, place);
    let type;
    try {
      type = resolveType(typeText, scope);
    } catch (e) {
      if (e instanceof TypeParseError) throw new SpecError(`field '${name}': ${e.message}`, place);
      throw e;
    }
    const meta: FieldMeta = { place };
    if (full?.byteOrder) meta.byteOrder = full.byteOrder;
    if (full?.buffer) meta.buffer = { length: full.buffer.length, optional: full.buffer.optional ?? false };
    if (full?.array) meta.array = full.array;
    if (full?.doc) meta.doc = full.doc;
    if ((meta.buffer || meta.array) && type.kind !== 'pointer') throw new SpecError(`field '${name}' is marked as a buffer/array but its type '${typeText}' is not a pointer`, place);
    metas.set(name, meta);
    const decl: FieldDecl = { name, type, place };
    if (full?.bits !== undefined) decl.bits = full.bits;
    if (full?.align) decl.align = full.align;
    if (full?.packed) decl.packed = true;
    return decl;
  });
}

function checkMetaReferences(metas: Map<string, FieldMeta>, fields: FieldDecl[], place: Place): void {
  const names = new Set<string>();
  const collect = (fs: FieldDecl[]) => {
    for (const f of fs) {
      if (f.name) names.add(f.name);
      else if (f.type.kind === 'record') collect(f.type.decl.fields);
    }
  };
  collect(fields);
  for (const [field, m] of metas) {
    const len = m.buffer?.length ?? m.array?.length;
    if (len !== undefined && !names.has(len)) {
      throw new SpecError(`field '${field}' says its length is in field '${len}', which does not exist`, m.place ?? place);
    }
  }
}
