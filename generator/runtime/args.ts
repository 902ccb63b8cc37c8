/**
 * Argument helpers the generated wrappers call before crossing into C++:
 * they turn struct classes into their bytes, with a TypeError naming the
 * argument when the caller passed something else.
 */
import { argTypeError } from './errors.js';
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

