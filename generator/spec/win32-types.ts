/**
 * Resolves the Win32 spec's type strings for one target: picks per-arch
 * variants, expands typedefs (remembering handles, booleans and enum names),
 * and turns records into the layout engine's RecordDecl with their layouts
 * and accessible fields.
 */
import { SpecError, SysbindError, type Place } from '../errors.js';
import { layoutRecord } from '../layout/engine.js';
import type { AbiFacts, CType, FieldDecl, PrimName, RecordDecl } from '../model/ctype.js';
import type { IntInfo } from '../model/syscall.js';
import type { Win32Field, Win32Record, WinType } from '../model/win32.js';
import type { SourceFile } from './source-file.js';
import type { Target } from './targets.js';
import { isNativeName, NATIVE_TYPES, parseTypeRef, type SpecEnum, type SpecField, type SpecRecord, type SpecTypedef, type SpecTypesFile } from './win32-spec-types.js';
import { selectsTarget } from './selectors.js';

export interface TypeContext {
  target: Target;
  abi: AbiFacts;
  types: SourceFile<SpecTypesFile>;
  booleans: string[];
  extraHandles: string[];
  sizeFields: Record<string, string>;
  countedArrays: Record<string, { count: string; array: string }>;
  /** The selection's record corrections (alignment, field types). */
  recordFixes: Record<string, { align?: number; architectures?: string[]; fields?: Record<string, string> }>;
}

export class Win32Types {
  private readonly typedefs = new Map<string, { def: SpecTypedef; index: number }>();
  private readonly enums = new Map<string, { def: SpecEnum; index: number }>();
  private readonly records = new Map<string, { def: SpecRecord; index: number }>();
  private readonly opaque = new Map<string, string>();
  private readonly done = new Map<string, Win32Record>();
  private readonly inProgress = new Set<string>();
  /** Records that cannot be laid out or bound (a bitfield, say), with the error: what uses them is refused. */
  private readonly failed = new Map<string, SysbindError>();
  readonly usedHandles = new Map<string, { int: IntInfo; invalid?: number; usableAs?: string[] }>();
  readonly usedEnums = new Set<string>();

  constructor(private readonly ctx: TypeContext) {
    const { data } = ctx.types;
    const pick = <T extends { name: string; architectures?: string[] }>(list: T[], into: Map<string, { def: T; index: number }>, key: string) =>
      list.forEach((def, index) => {
        if (!selectsTarget(def.architectures, ctx.target)) return;
        if (into.has(def.name)) throw new SpecError(`${key} '${def.name}' has two variants for ${ctx.target.arch}`, ctx.types.at([key, index]));
        into.set(def.name, { def, index });
      });
    pick(data.typedefs, this.typedefs, 'typedefs');
    pick(data.enums, this.enums, 'enums');
    pick(data.records, this.records, 'records');
    for (const c of data.callbacks) if (selectsTarget(c.architectures, ctx.target)) this.opaque.set(c.name, 'a callback');
    for (const i of data.interfaces) this.opaque.set(i.name, 'a COM interface');
  }

  private intOf(bits: 8 | 16 | 32 | 64 | 'pointer', signed: boolean): IntInfo {
    return { bits: bits === 'pointer' ? (this.ctx.abi.dataModel === 'ILP32' ? 32 : 64) : bits, signed };
  }

  /** Resolves a spec type string; `where` names the place for errors. */
  resolve(text: string, place: Place): WinType {
    const ref = parseTypeRef(text);
    if (!ref) throw new SpecError(`'${text}' is not a type`, place);
    // A record pointing to itself (EXCEPTION_RECORD.ExceptionRecord): the pointer's size is all its layout needs.
    const selfPointer = this.inProgress.has(ref.base) && ref.suffixes[0]?.kind === 'pointer';
    let t: WinType = selfPointer ? { kind: 'void' } : this.base(ref.base, place);
    for (const s of ref.suffixes) t = s.kind === 'pointer' ? { kind: 'pointer', to: t } : { kind: 'array', of: t, length: s.length };
    return t;
  }

  private base(name: string, place: Place): WinType {
    if (isNativeName(name)) {
      const n = NATIVE_TYPES[name];
      if (n === null) return name === 'Void' ? { kind: 'void' } : { kind: 'record', record: this.guid(place) };
      if ('float' in n) return { kind: 'float', bits: n.bits, name };
      const int = this.intOf(n.bits, n.signed);
      return { kind: 'int', int, name, ...(name === 'Char' ? { char: true as const } : {}), ...(n.bits === 'pointer' ? { pointerSized: true as const } : {}) };
    }
    const td = this.typedefs.get(name);
    if (td) return this.typedef(td.def, this.ctx.types.at(['typedefs', td.index]));
    const en = this.enums.get(name);
    if (en) {
      this.usedEnums.add(name);
      const n = NATIVE_TYPES[en.def.base as keyof typeof NATIVE_TYPES];
      if (!n || 'float' in n) throw new SpecError(`enum ${name} has base '${en.def.base}', which is not an integer type`, this.ctx.types.at(['enums', en.index]));
      return { kind: 'int', int: this.intOf(n.bits, n.signed), name, enumName: name, ...(en.def.flags ? { flags: true as const } : {}) };
    }
    if (this.records.has(name)) return { kind: 'record', record: this.record(name) };
    const opaque = this.opaque.get(name);
    if (opaque) return { kind: 'pointer', to: { kind: 'void' }, name, opaque };
    throw new SpecError(`unknown type '${name}' (not in specs/win32/types.json for ${this.ctx.target.name})`, place);
  }

  private typedef(def: SpecTypedef, place: Place): WinType {
    const inner = this.resolve(def.type, place);
    if (this.ctx.booleans.includes(def.name)) {
      if (inner.kind !== 'int') throw new SpecError(`boolean typedef ${def.name} is not an integer`, place);
      return { kind: 'bool', int: inner.int, name: def.name };
    }
    const pointerSized = (inner.kind === 'int' && inner.pointerSized) || (inner.kind === 'pointer' && inner.to.kind === 'void');
    const marked = def.freeFunc !== undefined || def.invalidValue !== undefined || this.ctx.extraHandles.includes(def.name);
    if (pointerSized && marked) {
      const int = this.intOf('pointer', true);
      const usableAs = this.usableAs(def);
      this.usedHandles.set(def.name, { int, ...(def.invalidValue !== undefined ? { invalid: def.invalidValue } : {}), ...(usableAs.length > 0 ? { usableAs } : {}) });
      return { kind: 'handle', name: def.name, int };
    }
    if (inner.kind === 'int') return { ...inner, name: def.name };
    if (inner.kind === 'pointer') return { ...inner, name: def.name };
    return inner;
  }

  /** Metadata `Guid`: the C GUID struct, laid out like any record. */
  /** The handle types a value of `def` also is, following AlsoUsableFor through the typedefs. */
  private usableAs(def: SpecTypedef): string[] {
    const out: string[] = [];
    for (let next = def.alsoUsableFor; next !== undefined && !out.includes(next) && next !== def.name; next = this.typedefs.get(next)?.def.alsoUsableFor) out.push(next);
    return out;
  }

  private guid(place: Place): Win32Record {
    const existing = this.done.get('GUID');
    if (existing) return existing;
    const fields: SpecField[] = [
      { name: 'Data1', type: 'UInt32' },
      { name: 'Data2', type: 'UInt16' },
      { name: 'Data3', type: 'UInt16' },
      { name: 'Data4', type: 'Byte[8]' },
    ];
    return this.build({ name: 'GUID', namespace: 'Foundation', kind: 'struct', fields }, place);
  }

  record(name: string): Win32Record {
    const done = this.done.get(name);
    if (done) return done;
    const entry = this.records.get(name)!;
    return this.build(entry.def, this.ctx.types.at(['records', entry.index]));
  }

  private build(def: SpecRecord, place: Place): Win32Record {
    if (this.inProgress.has(def.name)) throw new SpecError(`record '${def.name}' contains itself`, place);
    const failed = this.failed.get(def.name);
    if (failed) throw failed;
    this.inProgress.add(def.name);
    try {
      return this.layOut(def, place);
    } catch (e) {
      if (e instanceof SysbindError) this.failed.set(def.name, e);
      throw e;
    } finally {
      this.inProgress.delete(def.name);
    }
  }

  private layOut(def: SpecRecord, place: Place): Win32Record {
    const fieldTypes = new Map<string, { type: WinType; place: Place; flexible?: true }>();
    const entry = this.records.get(def.name);
    const path = entry && entry.def === def ? ['records', entry.index, 'fields'] : null;
    const listed = this.ctx.recordFixes[def.name];
    const fix = listed && selectsTarget(listed.architectures, this.ctx.target) ? listed : undefined;
    const fields = fix?.fields ? def.fields.map((f) => ('type' in f && fix.fields![f.name] !== undefined ? { ...f, type: fix.fields![f.name]! } : f)) : def.fields;
    const decl: RecordDecl = { name: def.name, kind: def.kind, fields: this.fields(def.name, fields, fieldTypes, path, place), place };
    if (def.pack) decl.pack = def.pack;
    if (fix?.align) decl.align = fix.align;
    const rec = this.finish(def.name, def.name, decl, fieldTypes, place);
    const sizeField = this.ctx.sizeFields[def.name];
    if (sizeField !== undefined) {
      const f = rec.fields.find((x) => x.name === sizeField);
      if (!f || f.type.kind !== 'int') throw new SpecError(`sizeFields: ${def.name} has no integer field '${sizeField}'`);
      rec.sizeField = sizeField;
    }
    const counted = this.ctx.countedArrays[def.name];
    if (counted !== undefined) {
      const count = rec.fields.find((x) => x.name === counted.count);
      const array = rec.fields.find((x) => x.name === counted.array);
      if (!count || count.type.kind !== 'int') throw new SpecError(`countedArrays: ${def.name} has no integer field '${counted.count}'`);
      if (!array?.flexible || array.type.kind !== 'array') throw new SpecError(`countedArrays: ${def.name}.${counted.array} is not an ANYSIZE_ARRAY member`);
      rec.countedArray = { count: counted.count, array: counted.array };
    }
    this.done.set(def.name, rec);
    return rec;
  }

  /** Lays out a record and lists its accessible fields with their resolved types. */
  private finish(name: string, cName: string | null, decl: RecordDecl, fieldTypes: Map<string, { type: WinType; place: Place; flexible?: true }>, place: Place): Win32Record {
    const layout = layoutRecord(decl, this.ctx.abi);
    const fields: Win32Field[] = layout.fields.map((f) => {
      if (f.bits !== undefined) throw new SpecError(`record ${name}: bitfield ${f.name} is not supported`, place);
      const t = fieldTypes.get(f.name)!;
      return { name: f.name, offset: f.offset, size: f.size, type: t.type, place: t.place, ...(t.flexible ? { flexible: true as const } : {}) };
    });
    return { name, cName, kind: decl.kind, decl, layout, fields, place };
  }

  /**
   * Converts spec fields to FieldDecls. Anonymous nested records stay anonymous
   * (their fields are the parent's, as in C); named ones become records of
   * their own (`<Outer>_<field>`) so TypeScript can give them a class.
   */
  private fields(
    outer: string,
    fields: SpecField[],
    types: Map<string, { type: WinType; place: Place; flexible?: true }>,
    path: (string | number)[] | null,
    recordPlace: Place,
  ): FieldDecl[] {
    return fields.map((f, i) => {
      const place = path ? this.ctx.types.at([...path, i]) : recordPlace;
      const sub = (kind: string) => (path ? [...path, i, kind] : null);
      if ('type' in f) {
        const type = this.resolve(f.type, place);
        types.set(f.name, { type, place, ...(f.attrs?.includes('FlexibleArray') ? { flexible: true as const } : {}) });
        return { name: f.name, type: this.cType(type, place) };
      }
      const kind = 'struct' in f ? 'struct' : 'union';
      const body = 'struct' in f ? f.struct : f.union;
      if (f.anonymous) {
        const decl: RecordDecl = { name: '', kind, fields: this.fields(outer, body, types, sub(kind), place), place };
        if (f.pack) decl.pack = f.pack;
        return { type: { kind: 'record', decl } };
      }
      const nestedName = `${outer}_${f.name}`;
      const innerTypes = new Map<string, { type: WinType; place: Place; flexible?: true }>();
      const decl: RecordDecl = { name: nestedName, kind, fields: this.fields(nestedName, body, innerTypes, sub(kind), place), place };
      if (f.pack) decl.pack = f.pack;
      const rec = this.finish(nestedName, null, decl, innerTypes, place);
      let type: WinType = { kind: 'record', record: rec };
      for (const s of parseTypeRef(`X${f.suffix ?? ''}`)!.suffixes) type = s.kind === 'pointer' ? { kind: 'pointer', to: type } : { kind: 'array', of: type, length: s.length };
      types.set(f.name, { type, place });
      return { name: f.name, type: this.cType(type, place) };
    });
  }

  /** The C type the layout engine lays out. */
  cType(t: WinType, place: Place): CType {
    switch (t.kind) {
      case 'int':
      case 'bool':
      case 'handle':
        return t.kind === 'handle' || (t.kind === 'int' && t.pointerSized) ? { kind: 'pointer', to: 'void' } : { kind: 'prim', name: primOf(t.int) };
      case 'float':
        return { kind: 'prim', name: t.bits === 32 ? 'float' : 'double' };
      case 'pointer':
        return { kind: 'pointer', to: 'void' };
      case 'void':
        throw new SpecError('a record member cannot be void', place);
      case 'array':
        return { kind: 'array', of: this.cType(t.of, place), length: t.length };
      case 'record':
        return { kind: 'record', decl: t.record.decl };
    }
  }

}

/** A C primitive of the given width and signedness (Windows: long is 32-bit, so int and long long). */
function primOf(int: IntInfo): PrimName {
  const names: Record<number, [PrimName, PrimName]> = {
    8: ['signed char', 'unsigned char'],
    16: ['short', 'unsigned short'],
    32: ['int', 'unsigned int'],
    64: ['long long', 'unsigned long long'],
  };
  return names[int.bits]![int.signed ? 0 : 1];
}
