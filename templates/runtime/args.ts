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
