/**
 * Struct classes for the Win32 TypeScript API: one class per record (named
 * nested records too, as `<Outer>_<field>`), a typed getter and a checked
 * setter per field at the offset the layout engine computed (Windows is
 * little-endian everywhere). Integers are numbers, 64-bit and pointer-sized
 * ones bigints, BOOLs booleans, handles branded bigints, WCHAR[N] strings,
 * BYTE[N] byte views, nested records views; raw pointers read-only addresses.
 * A record with a size field presets it, so `new OSVERSIONINFOW()` is ready to pass.
 */
import { EmitError } from '../../errors.js';
import type { Win32Field, Win32Record, Win32TargetModel, WinType } from '../../model/win32.js';
import { dataViewMethod, structClass, type Accessor, type StructClass } from '../ts-struct-class.js';
import { doc } from '../ts-text.js';
import { tsType } from './ts-types.js';

/** Reads and writes of one scalar at an offset (little-endian). */
function scalar(bits: number, signed: boolean, o: number | string, float = false): { get: string; set: (x: string) => string } {
  const m = dataViewMethod(bits, signed, float);
  const le = bits === 8 ? '' : ', true';
  return { get: `this.view.get${m}(${o}${le})`, set: (x) => `this.view.set${m}(${o}, ${x}${le});` };
}

function accessor(model: Win32TargetModel, rec: Win32Record, f: Win32Field, aliases: ReadonlySet<string>): Accessor | undefined {
  const t = f.type;
  const o = f.offset;
  const name = f.name;
  const ptrBits = model.abi.dataModel === 'ILP32' ? 32 : 64;
  switch (t.kind) {
    case 'int': {
      const wide = t.int.bits === 64 || t.pointerSized === true;
      const s = scalar(t.int.bits, t.int.signed, o);
      if (wide) {
        const get = t.int.bits === 64 ? s.get : `BigInt(${s.get})`;
        const value = t.int.bits === 64 ? `checkWide(v, '${name}', 64, ${t.int.signed})` : `Number(checkWide(v, '${name}', ${t.int.bits}, ${t.int.signed}))`;
        return { tsType: 'bigint', setType: 'bigint | number', get: `return ${get};`, set: s.set(value) };
      }
      const type = tsType(t, 'out', aliases);
      const get = type === 'number' ? s.get : `${s.get} as ${type}`;
      // A 32-bit flag set may be JavaScript's signed result of |: stored as its unsigned bits.
      const value = t.flags && !t.int.signed && t.int.bits === 32 ? `checkFlags32(v, '${name}')` : `checkInt(v, '${name}', ${t.int.bits}, ${t.int.signed})`;
      return { tsType: type, get: `return ${get};`, set: s.set(value) };
    }
    case 'float': {
      const s = scalar(t.bits, true, o, true);
      return { tsType: 'number', get: `return ${s.get};`, set: s.set(`checkFloat(v, '${name}')`) };
    }
    case 'bool': {
      const s = scalar(t.int.bits, t.int.signed, o);
      return { tsType: 'boolean', get: `return ${s.get} !== 0;`, set: s.set(`checkBool(v, '${name}') ? 1 : 0`) };
    }
    case 'handle': {
      const s = scalar(ptrBits, true, o);
      const get = ptrBits === 64 ? s.get : `BigInt(${s.get})`;
      const value = ptrBits === 64 ? `checkHandle(v, 'set', '${name}', 64)` : `Number(checkHandle(v, 'set', '${name}', 32))`;
      return { tsType: t.name, get: `return ${get} as ${t.name};`, set: s.set(value) };
    }
    case 'pointer': {
      // A raw address: readable (to compare with NULL), not settable.
      const s = scalar(ptrBits, false, o);
      return { tsType: 'bigint', get: `return ${ptrBits === 64 ? s.get : `BigInt(${s.get})`};` };
    }
    case 'record':
      return {
        tsType: t.record.name,
        get: `return new ${t.record.name}(this.bytes.subarray(${o}, ${o + f.size}));`,
        set: `writeStruct(this.bytes, ${o}, ${t.record.name}, v, '${name}');`,
      };
    case 'array': {
      const el = t.of;
      if (el.kind === 'int' && el.char) {
        return { tsType: 'string', get: `return readWString(this.bytes, ${o}, ${t.length});`, set: `writeWString(this.bytes, ${o}, ${t.length}, v, '${name}');` };
      }
      if (el.kind === 'int' && el.int.bits === 8) {
        return { tsType: 'Uint8Array', get: `return this.bytes.subarray(${o}, ${o + t.length});`, set: `writeBytes(this.bytes, ${o}, ${t.length}, v, '${name}');` };
      }
      if (el.kind === 'record') {
        const size = el.record.layout.size;
        return { tsType: `${el.record.name}[]`, get: `return Array.from({ length: ${t.length} }, (_, i) => new ${el.record.name}(this.bytes.subarray(${o} + i * ${size}, ${o} + (i + 1) * ${size})));` };
      }
      // Any other element: a read-only array of its values, read one by one.
      const elemSize = t.length > 0 ? f.size / t.length : 0;
      const read = elementRead(el, ptrBits);
      if (!read) throw new EmitError(`${rec.name}.${name}: arrays of ${el.kind} are not bound yet`, f.place);
      return { tsType: `${read.type}[]`, get: `return Array.from({ length: ${t.length} }, (_, i) => ${read.expr(`${o} + i * ${elemSize}`)});` };
    }
    case 'void':
      return undefined;
  }
}

/** How to read one array element at a byte offset expression, and its TypeScript type. */
function elementRead(el: WinType, ptrBits: number): { type: string; expr: (at: string) => string } | undefined {
  const view = (bits: number, signed: boolean, float = false) => (at: string) => scalar(bits, signed, at, float).get;
  switch (el.kind) {
    case 'int': {
      const bits = el.pointerSized ? ptrBits : el.int.bits;
      const get = view(bits, el.int.signed);
      return bits === 64 || el.pointerSized ? { type: 'bigint', expr: (at) => (bits === 64 ? get(at) : `BigInt(${get(at)})`) } : { type: 'number', expr: get };
    }
    case 'float':
      return { type: 'number', expr: view(el.bits, true, true) };
    case 'bool':
      return { type: 'boolean', expr: (at) => `${view(el.int.bits, el.int.signed)(at)} !== 0` };
    case 'handle':
    case 'pointer': {
      const get = view(ptrBits, false);
      return { type: 'bigint', expr: (at) => (ptrBits === 64 ? get(at) : `BigInt(${get(at)})`) };
    }
    default:
      return undefined;
  }
}

export function structsFile(model: Win32TargetModel, aliases: ReadonlySet<string>): string {
  const body: string[] = [];
  for (const r of model.records) {
    const { size, align } = r.layout;
    const fields: StructClass['fields'] = [];
    for (const f of r.fields) {
      const acc = accessor(model, r, f, aliases);
      if (acc) fields.push({ name: f.name, doc: `${describe(f.type)} (${f.size} bytes) at offset ${f.offset}.`, accessor: acc });
    }
    const nested = r.cName === null ? ' (a nested record, named after its field)' : '';
    const classDoc = [`${r.kind} ${r.name} on ${model.target.name}: ${size} bytes, aligned to ${align}${nested}.`];
    body.push(...structClass({ name: r.name, doc: classDoc, size, align, ...(r.sizeField ? { sizeField: r.sizeField } : {}), fields }));
  }
  return body.join('\n');
}

function describe(t: WinType): string {
  switch (t.kind) {
    case 'int':
      return t.name;
    case 'array':
      return `${describe(t.of)}[${t.length}]`;
    case 'record':
      return t.record.name;
    case 'pointer':
      return `${t.name ?? `${t.to.kind === 'void' ? 'void' : describe(t.to)}*`} (address, read-only)`;
    case 'void':
      return 'void';
    default:
      return t.name;
  }
}
