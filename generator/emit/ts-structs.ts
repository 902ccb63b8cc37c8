/**
 * Struct classes for the TypeScript API: one class per struct, with a typed
 * getter and a checked setter per field at the offset the layout engine
 * computed, reading with the target's byte order.
 */
import type { CType, FieldLayout, RecordLayout } from '../model/ctype.js';
import type { LinuxTargetModel } from '../spec/linux-model.js';
import { intInfoOf, layoutOf } from '../spec/linux-model.js';
import { keepsBuffers, type StructModel } from '../spec/struct-specs.js';
import { EmitError } from '../errors.js';
import { dataViewMethod, type Accessor } from './ts-struct-class.js';

/** The accessor code for one field, or undefined for fields that are not exposed. */
export function fieldAccessor(model: LinuxTargetModel, s: StructModel, f: FieldLayout): Accessor | undefined {
  const le = (order?: 'big' | 'little') => ((order ?? model.target.endian) === 'little' ? 'true' : 'false');
  const meta = s.fields.get(f.name);
  const t = f.type;
  const o = f.offset;
  const name = f.name;
  if (f.bits !== undefined) {
    // The storage unit may be 3 bytes or run past the end of a packed record:
    // the runtime reads only the bytes of the unit that lie inside the record.
    const info = intInfoOf(t, model.abi);
    if (!info || f.bits > 32) throw new EmitError(`bitfield '${s.name}.${name}' wider than 32 bits is not supported yet`, meta?.place);
    const unit = `${o}, ${f.size}, ${f.bitOffset ?? 0}, ${f.bits}, ${le()}`;
    return {
      tsType: 'number',
      get: `return readBits(this.bytes, ${unit}, ${info.signed});`,
      set: `writeBits(this.bytes, ${unit}, checkInt(v, '${name}', ${f.bits}, ${info.signed}));`,
    };
  }
  switch (t.kind) {
    case 'prim':
    case 'enum': {
      const float = t.kind === 'prim' && (t.name === 'float' || t.name === 'double');
      const info = float ? { bits: f.size * 8, signed: true } : intInfoOf(t, model.abi)!;
      const m = dataViewMethod(info.bits, info.signed, float);
      const order = le(meta?.byteOrder);
      const getter = info.bits === 8 ? `return this.view.get${m}(${o});` : `return this.view.get${m}(${o}, ${order});`;
      const setArgs = (x: string) => (info.bits === 8 ? `${o}, ${x}` : `${o}, ${x}, ${order}`);
      if (float) return { tsType: 'number', get: getter, set: `this.view.set${m}(${setArgs(`checkFloat(v, '${name}')`)});` };
      if (info.bits === 64) {
        return { tsType: 'bigint', setType: 'bigint | number', get: getter, set: `this.view.set${m}(${setArgs(`checkBigInt(v, '${name}', ${info.signed})`)});` };
      }
      return { tsType: 'number', get: getter, set: `this.view.set${m}(${setArgs(`checkInt(v, '${name}', ${info.bits}, ${info.signed})`)});` };
    }
    case 'pointer': {
      if (meta?.buffer || meta?.array) {
        const lenField = (meta.buffer ?? meta.array)!.length;
        const lenLayout = findField(model, s, lenField);
        const lenAcc = fieldAccessor(model, s, lenLayout)!;
        const lenValue = lenAcc.tsType === 'bigint' ? 'BigInt(n)' : 'n';
        // The pointer is stored as an unsigned integer of the target's pointer width.
        const ptrBits = model.abi.dataModel === 'ILP32' ? 32 : 64;
        const ptrSet = `set${dataViewMethod(ptrBits, false)}`;
        const ptrValue = ptrBits === 64 ? 'address' : 'Number(address)';
        if (meta.buffer) {
          return {
            tsType: 'Uint8Array | null',
            get: `return this.kept<Uint8Array>('${name}');`,
            set: [
              `if (v !== null && !(v instanceof Uint8Array)) throw argTypeError('set', '${name}', 'a Uint8Array or null', v);`,
              `const address = v === null ? 0n : native.addressOf(v);`,
              `const n = v === null ? 0 : v.byteLength;`,
              `this.view.${ptrSet}(${o}, ${ptrValue}, ${le()});`,
              `this.${lenField} = ${lenValue};`,
              `this.keep('${name}', v);`,
            ].join('\n'),
          };
        }
        const elem = (t.to as CType);
        if (typeof elem !== 'object' || elem.kind !== 'record') throw new EmitError(`array field '${s.name}.${name}' must point to a struct`, meta.place);
        const cls = model.structs.find((x) => x.name === elem.decl.name)!.tsName;
        return {
          tsType: `StructArray<${cls}> | null`,
          get: `return this.kept<StructArray<${cls}>>('${name}');`,
          set: [
            `if (v !== null && !(v instanceof StructArray && v.type === ${cls})) throw argTypeError('set', '${name}', 'a StructArray of ${cls} or null', v);`,
            `const address = v === null ? 0n : native.addressOf(v.bytes);`,
            `const n = v === null ? 0 : v.length;`,
            `this.view.${ptrSet}(${o}, ${ptrValue}, ${le()});`,
            `this.${lenField} = ${lenValue};`,
            `this.keep('${name}', v);`,
          ].join('\n'),
        };
      }
      // A raw pointer: its address only, read-only (writing addresses is for unsafe_syscall users).
      const raw = fieldAccessor(model, s, { ...f, type: { kind: 'prim', name: model.abi.dataModel === 'ILP32' ? 'unsigned int' : 'unsigned long long' } })!;
      return { tsType: raw.tsType, get: raw.get };
    }
    case 'array': {
      const el = t.of;
      if (el.kind === 'prim' && (el.name === 'char' || el.name === 'signed char') && t.length === null) {
        // A flexible char array (d_name[]): the string runs on past the struct's fixed size.
        return { tsType: 'string', get: `return readCString(this.whole, ${o}, this.whole.byteLength - ${o});` };
      }
      if (el.kind === 'prim' && (el.name === 'char' || el.name === 'signed char') && t.length !== null) {
        return {
          tsType: 'string',
          get: `return readCString(this.bytes, ${o}, ${t.length});`,
          set: `writeCString(this.bytes, ${o}, ${t.length}, v, '${name}');`,
        };
      }
      const elSize = f.size / Math.max(t.length ?? 1, 1);
      if (el.kind === 'prim' && elSize === 1) {
        const len = t.length ?? null;
        return {
          tsType: 'Uint8Array',
          get: len === null ? `return this.bytes.subarray(${o});` : `return this.bytes.subarray(${o}, ${o + len});`,
          set: len === null ? undefined : `writeBytes(this.bytes, ${o}, ${len}, v, '${name}');`,
        };
      }
      if ((el.kind === 'prim' || el.kind === 'enum') && t.length !== null) {
        const one = fieldAccessor(model, s, { ...f, type: el, size: elSize })!;
        const elType = one.tsType;
        const items = Array.from({ length: t.length }, (_, i) => fieldAccessor(model, s, { ...f, name: `${name}[${i}]`, type: el, offset: o + i * elSize, size: elSize })!);
        return {
          tsType: `${elType}[]`,
          setType: `readonly (${one.setType ?? elType})[]`,
          get: `return [${items.map((a) => a.get.replace(/^return /, '').replace(/;$/, '')).join(', ')}];`,
          set: [
            `if (!Array.isArray(v) || v.length !== ${t.length}) throw argTypeError('set', '${name}', 'an array of ${t.length} elements', v);`,
            `const items: readonly unknown[] = v;`,
            ...items.map((a, i) => `{ const v = items[${i}]; ${a.set!} }`),
          ].join('\n'),
        };
      }
      if (el.kind === 'record' && t.length !== null) {
        const cls = model.structs.find((x) => x.name === el.decl.name)!.tsName;
        return {
          tsType: `${cls}[]`,
          get: `return Array.from({ length: ${t.length} }, (_, i) => new ${cls}(this.bytes.subarray(${o} + i * ${cls}.size, ${o} + (i + 1) * ${cls}.size)));`,
        };
      }
      return undefined;
    }
    case 'record': {
      const nested = model.structs.find((x) => x.name === t.decl.name);
      if (!nested) return undefined; // an anonymous record's fields are flattened into the parent
      return {
        tsType: nested.tsName,
        get: `return new ${nested.tsName}(this.bytes.subarray(${o}, ${o + f.size}));`,
        set: `writeStruct(this.bytes, ${o}, ${nested.tsName}, v, '${name}');`,
      };
    }
  }
}

/**
 * The body of a record's sealPointers(fn, arg): each pointer field that holds a
 * caller's buffer is rewritten from the buffer the struct keeps, and its length
 * field checked against that buffer, just before a call. The struct's bytes are
 * writable (and a detached buffer has no memory), so the address stored by a
 * setter is never trusted; undefined for records without such fields.
 */
export function sealBody(model: LinuxTargetModel, s: StructModel): string[] | undefined {
  if (!keepsBuffers(s)) return undefined;
  const le = model.target.endian === 'little' ? 'true' : 'false';
  const ptrBits = model.abi.dataModel === 'ILP32' ? 32 : 64;
  const store = (o: number, addr: string) => `this.view.set${dataViewMethod(ptrBits, false)}(${o}, ${ptrBits === 64 ? addr : `Number(${addr})`}, ${le});`;
  const lines: string[] = [];
  for (const f of layoutOf(model, s).fields) {
    const meta = s.fields.get(f.name);
    const inner = f.type.kind === 'record' ? f.type.decl.name : f.type.kind === 'array' && f.type.of.kind === 'record' ? f.type.of.decl.name : undefined;
    const nested = model.structs.find((x) => x.name === inner);
    // A nested record's accessor is a fresh view each time, so it could not keep the buffers.
    if (nested && keepsBuffers(nested)) throw new EmitError(`'${s.name}.${f.name}' embeds struct ${nested.name}, whose pointer fields hold buffers: embedding such a record is not supported`, meta?.place ?? s.place);
    if (!meta?.buffer && !meta?.array) continue;
    const lenField = (meta.buffer ?? meta.array)!.length;
    if (meta.buffer) {
      lines.push(
        `{ const b = this.kept<Uint8Array>('${f.name}');`,
        `  checkPointee(b === null ? 0 : b.byteLength, this.${lenField}, fn, arg, '${f.name}', '${lenField}', 'bytes');`,
        `  ${store(f.offset, `(b === null ? 0n : native.addressOf(b))`)} }`,
      );
      continue;
    }
    const elem = f.type.kind === 'pointer' && typeof f.type.to === 'object' && f.type.to.kind === 'record' ? f.type.to.decl.name : undefined;
    const el = model.structs.find((x) => x.name === elem);
    if (!el) throw new EmitError(`array field '${s.name}.${f.name}' must point to a struct`, meta.place);
    lines.push(
      `{ const a = this.kept<StructArray<${el.tsName}>>('${f.name}');`,
      `  checkPointee(a === null ? 0 : a.length, this.${lenField}, fn, arg, '${f.name}', '${lenField}', 'elements');`,
      ...(keepsBuffers(el) ? [`  if (a !== null) sealStructs(a, fn, \`\${arg}.${f.name}\`);`] : []),
      `  ${store(f.offset, `(a === null ? 0n : native.addressOf(a.bytes))`)} }`,
    );
  }
  return lines;
}

function findField(model: LinuxTargetModel, s: StructModel, name: string): FieldLayout {
  const f = layoutOf(model, s).fields.find((x) => x.name === name);
  if (!f) throw new EmitError(`struct '${s.name}' has no field '${name}'`, s.place);
  return f;
}

