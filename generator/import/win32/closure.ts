/**
 * Turns metadata items into spec items while collecting, transitively, every
 * type they refer to: a function's parameter types pull in their structs,
 * those structs' field types pull in more, typedefs pull in what they stand
 * for. Nested types (the metadata's `_Anonymous_e__Union` and friends) are
 * written inline into their record. `collect` then yields each referenced
 * type exactly once, in a stable order.
 */
import { ImportError } from '../../errors.js';
import type { Selection } from '../../spec/win32-selection.js';
import { mapArchitectures } from '../../spec/win32-selection.js';
import type {
  SpecCallback,
  SpecEnum,
  SpecField,
  SpecParam,
  SpecRecord,
  SpecTypedef,
} from '../../spec/win32-spec-types.js';
import { typeKey, type Located, type MdAttr, type MdParam, type MdRecord, type MdType, type MdTypeDef, type Metadata } from './metadata.js';

export interface CollectedTypes {
  typedefs: SpecTypedef[];
  enums: SpecEnum[];
  records: SpecRecord[];
  callbacks: SpecCallback[];
  interfaces: { name: string; namespace: string; external?: true }[];
}

/** The attributes kept as strings; MemorySize becomes bytesParam, Obsolete-with-message is dropped. */
const KEPT_ATTRS = new Set(['In', 'Out', 'Optional', 'Const', 'Reserved', 'NotNullTerminated', 'NullNullTerminated', 'ComOutPtr', 'RetVal']);

export class TypeClosure {
  /** typeKey → referenced (the queue of what still has to be converted is derived from it). */
  private readonly referenced = new Set<string>();
  /** WinRT types the metadata refers to without declaring them: name → namespace. */
  private readonly external = new Map<string, string>();

  constructor(
    private readonly md: Metadata,
    private readonly selection: Selection,
  ) {}

  /** Marks a metadata type (namespace + name) as needed. */
  reference(namespace: string, name: string): void {
    const key = typeKey(namespace, name);
    if (!this.md.types.has(key)) throw new ImportError(`the metadata refers to ${key}, which it does not declare`);
    this.referenced.add(key);
  }

  /** Finds the namespace of an unqualified or qualified type name (for names written by hand in the selection). */
  resolveName(name: string, where: string): { namespace: string; name: string } {
    const dot = name.lastIndexOf('.');
    if (dot > 0) {
      const namespace = name.slice(0, dot);
      const bare = name.slice(dot + 1);
      if (!this.md.types.has(typeKey(namespace, bare))) throw new ImportError(`${where}: the metadata has no type ${name}`);
      return { namespace, name: bare };
    }
    const namespaces = this.md.typeNamespaces.get(name) ?? [];
    if (namespaces.length === 0) throw new ImportError(`${where}: the metadata has no type named ${name}`);
    if (namespaces.length > 1) throw new ImportError(`${where}: ${name} is declared in ${namespaces.join(' and ')}: qualify it as Namespace.${name}`);
    return { namespace: namespaces[0]!, name };
  }

  /** A spec type string for a metadata type; nested types are looked up in `nested` (the enclosing record chain). */
  typeString(t: MdType, nested?: NestedScope): string {
    switch (t.Kind) {
      case 'Native':
        return t.Name;
      case 'PointerTo':
        return `${this.typeString(t.Child, nested)}*`;
      case 'LPArray':
        return `${this.typeString(t.Child, nested)}*`;
      case 'Array':
        return `${this.typeString(t.Child, nested)}[${t.Shape?.Size ?? 1}]`;
      case 'ApiRef': {
        if (nested?.find(t)) throw new ImportError(`nested type ${t.Name} used outside a field of its record`);
        this.reference(t.Api, t.Name);
        return this.nameFor(t.Api, t.Name);
      }
      case 'MissingClrType': {
        // A WinRT class outside the Win32 metadata: an interface pointer to sysbind.
        const name = `${t.Namespace}.${t.Name}`;
        this.external.set(name, t.Namespace);
        return name;
      }
    }
  }

  /** The name a type is written with: bare, or qualified where two namespaces share it. */
  private nameFor(namespace: string, name: string): string {
    return (this.md.typeNamespaces.get(name)?.length ?? 0) > 1 ? `${namespace}.${name}` : name;
  }

  params(params: MdParam[], where: string): SpecParam[] {
    return params.map((p) => {
      const out: SpecParam = { name: p.Name, type: this.typeString(p.Type), attrs: keptAttrs(p.Attrs) };
      const size = p.Attrs.find((a): a is Exclude<MdAttr, string> => typeof a === 'object' && a.Kind === 'MemorySize');
      if (size?.BytesParamIndex !== undefined) out.bytesParam = paramName(params, size.BytesParamIndex, `${where} ${p.Name}`);
      if (p.Type.Kind === 'LPArray') {
        if (p.Type.CountParamIndex >= 0) out.countParam = paramName(params, p.Type.CountParamIndex, `${where} ${p.Name}`);
        if (p.Type.CountConst >= 0) out.countConst = p.Type.CountConst;
        if (p.Type.NullNullTerm && !out.attrs.includes('NullNullTerminated')) out.attrs.push('NullNullTerminated');
      }
      return out;
    });
  }

  /** Converts every referenced type (and what those reference, until nothing new appears). */
  collect(): CollectedTypes {
    const out: CollectedTypes = { typedefs: [], enums: [], records: [], callbacks: [], interfaces: [] };
    const done = new Set<string>();
    for (;;) {
      const next = [...this.referenced].filter((k) => !done.has(k)).sort();
      if (next.length === 0) break;
      for (const key of next) {
        done.add(key);
        for (const variant of this.md.types.get(key)!) this.convert(variant, out);
      }
    }
    const byName = <T extends { name: string; architectures?: string[] }>(a: T, b: T) =>
      a.name.localeCompare(b.name) || (a.architectures ?? []).join().localeCompare((b.architectures ?? []).join());
    for (const [name, namespace] of this.external) out.interfaces.push({ name, namespace, external: true });
    out.typedefs.sort(byName);
    out.enums.sort(byName);
    out.records.sort(byName);
    out.callbacks.sort(byName);
    out.interfaces.sort(byName);
    return out;
  }

  private convert({ namespace, item }: Located<MdTypeDef>, out: CollectedTypes): void {
    const name = this.nameFor(namespace, item.Name);
    const architectures = mapArchitectures(this.selection, item.Architectures, `type ${namespace}.${item.Name}`);
    switch (item.Kind) {
      case 'NativeTypedef': {
        const t: SpecTypedef = { name, namespace, ...(architectures ? { architectures } : {}), type: this.typeString(item.Def) };
        if (item.FreeFunc) t.freeFunc = item.FreeFunc;
        if (item.InvalidHandleValue !== null) t.invalidValue = item.InvalidHandleValue;
        if (item.AlsoUsableFor) t.alsoUsableFor = this.nameFor(namespace, item.AlsoUsableFor);
        out.typedefs.push(t);
        break;
      }
      case 'Enum':
        out.enums.push({
          name,
          namespace,
          flags: item.Flags,
          base: item.IntegerBase ?? 'Int32',
          values: item.Values.map((v) => ({ name: v.Name, value: exactInteger(v.Value) })),
        });
        break;
      case 'Struct':
      case 'Union': {
        const scope = new NestedScope(item, undefined);
        const r: SpecRecord = { name, namespace, kind: item.Kind === 'Struct' ? 'struct' : 'union', ...(architectures ? { architectures } : {}), fields: this.fields(item, scope) };
        if (item.PackingSize) r.pack = item.PackingSize;
        out.records.push(r);
        break;
      }
      case 'FunctionPointer':
        out.callbacks.push({
          name,
          namespace,
          ...(architectures ? { architectures } : {}),
          callingConvention: item.Attrs.includes('Cdecl') ? 'cdecl' : 'winapi',
          returns: this.typeString(item.ReturnType),
          params: this.params(item.Params, `callback ${name}`),
        });
        break;
      case 'Com':
      case 'ComClassID':
        out.interfaces.push({ name, namespace });
        break;
    }
  }

  private fields(rec: MdRecord, scope: NestedScope): SpecField[] {
    return rec.Fields.map((f): SpecField => {
      // A nested type, possibly behind pointers or arrays (`Extents[1]` of an anonymous struct).
      let base = f.Type;
      let suffix = '';
      while (base.Kind === 'PointerTo' || base.Kind === 'LPArray' || base.Kind === 'Array') {
        suffix = (base.Kind === 'Array' ? `[${base.Shape?.Size ?? 1}]` : '*') + suffix;
        base = base.Child;
      }
      const inner = base.Kind === 'ApiRef' ? scope.find(base) : undefined;
      if (inner) {
        if (scope.encloses(inner)) throw new ImportError(`nested type ${inner.Name} refers to itself through field ${f.Name}`);
        const body = this.fields(inner, new NestedScope(inner, scope));
        const anonymous = suffix === '' && /^Anonymous\d*$/.test(f.Name) && /^_Anonymous\d*_e__(Struct|Union)$/.test(inner.Name);
        const head = {
          name: f.Name,
          ...(anonymous ? { anonymous: true as const } : {}),
          ...(suffix ? { suffix } : {}),
          ...(inner.PackingSize ? { pack: inner.PackingSize } : {}),
        };
        return inner.Kind === 'Struct' ? { ...head, struct: body } : { ...head, union: body };
      }
      const attrs = keptAttrs(f.Attrs);
      // An array without a shape is ANYSIZE_ARRAY: the record runs on past its size.
      if (f.Type.Kind === 'Array' && f.Type.Shape === null) attrs.push('FlexibleArray');
      return { name: f.Name, type: this.typeString(f.Type, scope), ...(attrs.length > 0 ? { attrs } : {}) };
    });
  }
}

/** The record being converted and its enclosing records, to resolve references to nested types. */
class NestedScope {
  constructor(
    private readonly record: MdRecord,
    private readonly parent: NestedScope | undefined,
  ) {}

  /** Whether `rec` is this record or one enclosing it. */
  encloses(rec: MdRecord): boolean {
    for (let s: NestedScope | undefined = this; s; s = s.parent) if (s.record === rec) return true;
    return false;
  }

  /** The nested type an ApiRef names, if it names one (its Parents give the path from the outermost record). */
  find(t: Extract<MdType, { Kind: 'ApiRef' }>): MdRecord | undefined {
    let root: NestedScope = this;
    while (root.parent) root = root.parent;
    let container: MdRecord | undefined = root.record;
    for (const p of t.Parents) container = container?.NestedTypes.find((n) => n.Name === p);
    return container?.NestedTypes.find((n) => n.Name === t.Name);
  }
}

function keptAttrs(attrs: MdAttr[]): string[] {
  return attrs.filter((a): a is string => typeof a === 'string' && KEPT_ATTRS.has(a));
}

function paramName(params: MdParam[], index: number, where: string): string {
  const p = params[index];
  if (!p) throw new ImportError(`${where}: the metadata refers to parameter #${index}, which does not exist`);
  return p.Name;
}

/** A number when it is a safe integer, else its exact decimal string. */
export function exactInteger(v: number | string): number | string {
  if (typeof v === 'number') return v;
  const b = BigInt(v);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b.toString();
}
