/**
 * Argument helpers the generated wrappers call before crossing into C++:
 * they turn struct classes into their bytes, with a TypeError naming the
 * argument when the caller passed something else.
 */
import { argRangeError, argTypeError } from './errors.js';
import { Struct, StructArray, type StructClass } from './struct.js';

/** Anything whose bytes the native layer can take. */
export type Bytes = ArrayBufferView | ArrayBuffer;

export function structBytes<T extends Struct>(v: unknown, type: StructClass<T>, fn: string, arg: string, optional: boolean): Uint8Array | null {
  if (v instanceof (type as unknown as abstract new (...a: never[]) => Struct)) return (v as Struct).bytes;
  if (optional && (v === null || v === undefined)) return null;
  throw argTypeError(fn, arg, `a ${type.name}${optional ? ' or null' : ''}`, v);
}

/** A typed array of the C integer a `ref` parameter points to (the kernel reads and writes it in place), or null where optional. */
export function refCell<T extends ArrayBufferView>(v: unknown, type: abstract new (...a: never[]) => T, fn: string, arg: string, optional: boolean): T | null {
  if (v instanceof type) return v;
  if (optional && (v === null || v === undefined)) return null;
  throw argTypeError(fn, arg, `an ${type.name}${optional ? ' or null' : ''}`, v);
}

export function arrayBytes<T extends Struct>(v: unknown, type: StructClass<T>, fn: string, arg: string, optional: boolean): Uint8Array | null {
  if (v instanceof StructArray) {
    if (v.type !== type) throw argTypeError(fn, arg, `a StructArray of ${type.name}`, `StructArray of ${v.type.name}`);
    return v.bytes;
  }
  if (optional && (v === null || v === undefined)) return null;
  throw argTypeError(fn, arg, `a StructArray of ${type.name}${optional ? ' or null' : ''}`, v);
}


/**
 * A 64-bit integer as the two unsigned 32-bit halves a 32-bit target's
 * prototype takes it in (low, high); negative values in two's complement.
 */
export function splitInt64(v: unknown, fn: string, arg: string): [number, number] {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else if (typeof v === 'number') throw argRangeError(fn, arg, `must be a safe integer or a bigint, got ${v}`);
  else throw argTypeError(fn, arg, 'an integer number or bigint', v);
  if (b < -(2n ** 63n) || b >= 2n ** 64n) throw argRangeError(fn, arg, 'must fit in 64 bits');
  const u = BigInt.asUintN(64, b);
  return [Number(u & 0xffffffffn), Number(u >> 32n)];
}

/**
 * A one-element integer cell holding `v`, for a C `int *` the kernel reads
 * (ioctl FIONBIO): `v` is checked against the C type (an unsigned 32-bit cell
 * also takes the negative int32 a set top bit gives JavaScript's `|`).
 */
export function intCell(v: unknown, fn: string, arg: string, bits: 8 | 16 | 32 | 64, signed: boolean): Uint8Array {
  if (bits === 64) {
    let b: bigint;
    if (typeof v === 'bigint') b = v;
    else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
    else if (typeof v === 'number') throw argRangeError(fn, arg, `must be a safe integer or a bigint, got ${v}`);
    else throw argTypeError(fn, arg, 'an integer number or bigint', v);
    const [lo, hi] = signed ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
    if (b < lo || b > hi) throw argRangeError(fn, arg, `must be in [${lo}, ${hi}], got ${b}`);
    return new Uint8Array((signed ? BigInt64Array.of(b) : BigUint64Array.of(b)).buffer);
  }
  const lo = signed ? -(2 ** (bits - 1)) : bits === 32 ? -(2 ** 31) : 0;
  const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  // A bigint is taken as the native integer arguments take it: by value, within the C type.
  if (typeof v === 'bigint') {
    if (v < BigInt(lo) || v > BigInt(hi)) throw argRangeError(fn, arg, `must be an integer in [${lo}, ${hi}], got ${v}`);
    v = Number(v);
  }
  if (typeof v !== 'number') throw argTypeError(fn, arg, 'an integer number or bigint', v);
  if (!Number.isInteger(v) || v < lo || v > hi) throw argRangeError(fn, arg, `must be an integer in [${lo}, ${hi}], got ${v}`);
  const cell = new Uint8Array(bits / 8);
  const view = new DataView(cell.buffer);
  if (bits === 8) view.setUint8(0, v & 0xff);
  else if (bits === 16) view.setUint16(0, v & 0xffff, true);
  else view.setUint32(0, v >>> 0, true);
  // Little-endian writes above; a big-endian target reads its cell in its own order.
  if (!LITTLE_ENDIAN) cell.reverse();
  return cell;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
