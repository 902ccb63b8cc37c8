/**
 * Base classes for generated struct views: a struct is a typed window over
 * bytes laid out exactly as the target's C compiler lays them out. Accessors
 * are generated per field; the helpers here check values before they are
 * stored, so a setter never silently truncates.
 */
import { argRangeError, argTypeError } from './errors.js';

export interface StructClass<T extends Struct> {
  new (bytes?: Uint8Array): T;
  readonly size: number;
  readonly alignment: number;
  readonly name: string;
}

/**
 * Fresh, zeroed bytes for a new struct, cut from a shared 8 KiB slab the way
 * Node pools small Buffers: one ArrayBuffer per struct made every returned
 * Stat cost ~4,000 instructions (bench/results.md). Slices are never reused,
 * so each starts zeroed; a slab lives while any struct cut from it does.
 */
const SLAB_SIZE = 8192;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

function structBytesFromSlab(size: number): Uint8Array {
  if (size > SLAB_SIZE / 4) return new Uint8Array(size);
  const start = (slabUsed + 7) & ~7; // 8-byte aligned, like the C struct
  if (start + size > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabUsed = 0;
    return structBytesFromSlab(size);
  }
  slabUsed = start + size;
  return new Uint8Array(slab, start, size);
}

export abstract class Struct {
  /**
   * The struct's bytes (exactly `size` bytes). A view into a larger buffer when
   * nested, in an array, or new (new structs share pooled slabs, as small
   * Buffers do): copy with `bytes.slice()` before transferring its buffer.
   */
  readonly bytes: Uint8Array;
  protected readonly view: DataView;
  /** Every byte given to the constructor: a flexible array member (d_name[]) runs past `size` into these. */
  protected readonly whole: Uint8Array;
  /** JS buffers referenced by pointer fields, kept alive as long as the struct. */
  protected refs?: Map<string, unknown>;

  protected constructor(size: number, bytes?: Uint8Array) {
    if (bytes === undefined) bytes = structBytesFromSlab(size);
    else if (!(bytes instanceof Uint8Array)) throw argTypeError(new.target.name, 'bytes', 'a Uint8Array', bytes);
    else if (bytes.byteLength < size) throw argRangeError(new.target.name, 'bytes', `must hold at least ${size} bytes, has ${bytes.byteLength}`);
    this.whole = bytes;
    this.bytes = bytes.byteLength === size ? bytes : bytes.subarray(0, size);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, size);
  }

  /**
   * Rewrites the pointer fields that hold a caller's buffers from the buffers
   * this struct keeps, checking each length field against its buffer. The
   * generated wrappers call it just before the kernel sees the bytes; records
   * without such fields override nothing.
   */
  sealPointers(_fn: string, _arg: string): void {}

  protected keep(field: string, value: unknown): void {
    (this.refs ??= new Map()).set(field, value);
  }

  protected kept<T>(field: string): T | null {
    return (this.refs?.get(field) as T | undefined) ?? null;
  }
}

/** A C array of structs in one contiguous buffer (epoll_event[], pollfd[], iovec[]). */
export class StructArray<T extends Struct> {
  readonly bytes: Uint8Array;
  private readonly items: T[];

  constructor(
    readonly type: StructClass<T>,
    readonly length: number,
  ) {
    if (!Number.isSafeInteger(length) || length < 0) throw argRangeError('StructArray', 'length', 'must be a non-negative integer');
    this.bytes = new Uint8Array(type.size * length);
    this.items = Array.from({ length }, (_, i) => new type(this.bytes.subarray(i * type.size, (i + 1) * type.size)));
  }

  /** Builds an array whose elements are set from plain objects (fields not given stay zero). */
  static from<T extends Struct>(type: StructClass<T>, inits: readonly Partial<T>[]): StructArray<T> {
    const a = new StructArray(type, inits.length);
    inits.forEach((init, i) => Object.assign(a.at(i), init));
    return a;
  }

  at(i: number): T {
    const item = this.items[i];
    if (item === undefined) throw argRangeError('StructArray.at', 'i', `must be in [0, ${this.length})`);
    return item;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items[Symbol.iterator]();
  }
}

/** Seals a struct or every element of a struct array (see Struct.sealPointers); other values are left to the type checks. */
export function sealStructs(v: unknown, fn: string, arg: string): void {
  if (v instanceof Struct) v.sealPointers(fn, arg);
  else if (v instanceof StructArray) {
    let i = 0;
    for (const e of v as StructArray<Struct>) e.sealPointers(fn, `${arg}[${i++}]`);
  }
}

/** A pointer field's length field may not claim more than its buffer holds. */
export function checkPointee(capacity: number, length: number | bigint, fn: string, arg: string, field: string, lengthField: string, unit: string): void {
  if (length > capacity) throw argRangeError(fn, `${arg}.${lengthField}`, `is ${length}, but ${arg}.${field} holds ${capacity} ${unit}`);
}

// ---- value checks used by generated setters ----

/**
 * An integer for a `bits`-wide field. An unsigned 32-bit field also takes the
 * negative int32 that JavaScript's bitwise operators produce (EPOLLIN | EPOLLET),
 * stored as the same bit pattern.
 */
export function checkInt(v: unknown, field: string, bits: number, signed: boolean): number {
  if (typeof v !== 'number') throw argTypeError('set', field, 'a number', v);
  const min = signed ? -(2 ** (bits - 1)) : bits === 32 ? -(2 ** 31) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (!Number.isInteger(v) || v < min || v > max) throw argRangeError('set', field, `must be an integer in [${min}, ${max}], got ${v}`);
  return !signed && v < 0 ? v >>> 0 : v;
}

export function checkBigInt(v: unknown, field: string, signed: boolean): bigint {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else if (typeof v === 'number') throw argRangeError('set', field, `must be a safe integer or a bigint, got ${v}`);
  else throw argTypeError('set', field, 'a bigint or number', v);
  const ok = signed ? b >= -(2n ** 63n) && b < 2n ** 63n : b >= 0n && b < 2n ** 64n;
  if (!ok) throw argRangeError('set', field, `is out of range for a ${signed ? 'signed' : 'unsigned'} 64-bit field`);
  return b;
}

export function checkFloat(v: unknown, field: string): number {
  if (typeof v !== 'number') throw argTypeError('set', field, 'a number', v);
  return v;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A char[N] field read as a string up to its first NUL. */
export function readCString(bytes: Uint8Array, offset: number, length: number): string {
  const field = bytes.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

/** Stores a string in a char[N] field, NUL-padded; it must fit with room for the NUL. */
export function writeCString(bytes: Uint8Array, offset: number, length: number, v: unknown, field: string): void {
  if (typeof v !== 'string') throw argTypeError('set', field, 'a string', v);
  const encoded = encoder.encode(v);
  if (encoded.includes(0)) throw argTypeError('set', field, 'a string without NUL bytes', 'string with NUL');
  if (encoded.byteLength >= length) throw argRangeError('set', field, `must encode to fewer than ${length} bytes`);
  bytes.fill(0, offset, offset + length);
  bytes.set(encoded, offset);
}

/** Copies bytes into a fixed-size byte array field. */
export function writeBytes(bytes: Uint8Array, offset: number, length: number, v: unknown, field: string): void {
  if (!(v instanceof Uint8Array)) throw argTypeError('set', field, 'a Uint8Array', v);
  if (v.byteLength > length) throw argRangeError('set', field, `must be at most ${length} bytes`);
  bytes.fill(0, offset, offset + length);
  bytes.set(v, offset);
}

/** Copies a nested struct's bytes into place. */
export function writeStruct<T extends Struct>(bytes: Uint8Array, offset: number, type: StructClass<T>, v: unknown, field: string): void {
  if (!(v instanceof (type as unknown as abstract new (...a: never[]) => Struct))) throw argTypeError('set', field, `a ${type.name}`, v);
  bytes.set((v as Struct).bytes, offset);
}

/**
 * A bitfield's storage unit as an unsigned integer: `size` bytes from `offset`
 * in the target's byte order, counting only the bytes inside the record (a
 * packed record's last unit can run past its end; those bytes read as zero).
 */
function readUnit(bytes: Uint8Array, offset: number, size: number, little: boolean): bigint {
  let u = 0n;
  for (let i = 0; i < size; i++) {
    const b = offset + i < bytes.byteLength ? bytes[offset + i]! : 0;
    u |= BigInt(b) << BigInt(8 * (little ? i : size - 1 - i));
  }
  return u;
}

/** A bitfield's value: `bits` bits at `bitOffset` from the unit's least significant bit. */
export function readBits(bytes: Uint8Array, offset: number, size: number, bitOffset: number, bits: number, little: boolean, signed: boolean): number {
  const raw = (readUnit(bytes, offset, size, little) >> BigInt(bitOffset)) & ((1n << BigInt(bits)) - 1n);
  return Number(signed ? BigInt.asIntN(bits, raw) : raw);
}

/** Stores a bitfield's value, leaving the unit's other bits (and bytes past the record) untouched. */
export function writeBits(bytes: Uint8Array, offset: number, size: number, bitOffset: number, bits: number, little: boolean, value: number): void {
  const mask = ((1n << BigInt(bits)) - 1n) << BigInt(bitOffset);
  const u = (readUnit(bytes, offset, size, little) & ~mask) | ((BigInt.asUintN(bits, BigInt(value)) << BigInt(bitOffset)) & mask);
  for (let i = 0; i < size && offset + i < bytes.byteLength; i++) {
    bytes[offset + i] = Number((u >> BigInt(8 * (little ? i : size - 1 - i))) & 0xffn);
  }
}
