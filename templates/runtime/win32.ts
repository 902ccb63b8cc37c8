/**
 * Support for the generated Win32 bindings: the error factories (code →
 * Win32Error / NtStatusError, with Windows' own message text), conversion of
 * JavaScript handle arrays for the native layer, checks used by struct
 * setters, and UTF-16 text in struct fields and buffers.
 */
import { argRangeError, argTypeError, NtStatusError, Win32Error } from './errors.js';

/** Error code → name, one table per kind (generated from the specs). */
export type CodeNames = ReadonlyMap<number, string>;

export interface Win32ErrorTables {
  lastError: CodeNames;
  ntstatus: CodeNames;
  hresult: CodeNames;
}

/** code → name from the named constants of a module (`values`), in the given names' order. */
export function codeNames(values: Readonly<Record<string, unknown>>, names: readonly string[]): CodeNames {
  const out = new Map<number, string>();
  for (const name of names) {
    const v = values[name];
    if (typeof v !== 'number') throw new Error(`sysbind: error code ${name} is not a number constant`);
    out.set(v, name);
  }
  return out;
}

/** Windows' text for a code: FormatMessageW, run by the native layer (`ntstatus` picks ntdll's message table). */
export type DescribeCode = (code: number, ntstatus: boolean) => string;

const FACILITY_WIN32 = 7;

export function win32Errors(tables: Win32ErrorTables, describe: DescribeCode) {
  const text = (code: number, ntstatus: boolean) => describe(code >>> 0, ntstatus) || `unknown error 0x${(code >>> 0).toString(16).padStart(8, '0')}`;
  const hex = (code: number) => `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  /** A Win32 error code (GetLastError's, or a returned WIN32_ERROR) as a Win32Error. */
  function win32Error(errno: number, syscall: string, path?: string | null, dest?: string | null): Win32Error {
    const code = tables.lastError.get(errno) ?? `ERROR_${errno}`;
    return new Win32Error(errno, code, text(errno, false), syscall, path ?? undefined, dest ?? undefined);
  }
  /** A failure NTSTATUS as an NtStatusError (the table holds the signed 32-bit values). */
  function ntStatusError(status: number, syscall: string): NtStatusError {
    const code = tables.ntstatus.get(status | 0) ?? `STATUS_${hex(status)}`;
    return new NtStatusError(status, code, text(status, true), syscall);
  }
  /**
   * A failure HRESULT as a Win32Error: one wrapping a Win32 error code
   * (facility 7, HRESULT_FROM_WIN32) gives that code and its name; any other
   * keeps the HRESULT itself (negative) as errno, named from the HRESULT table.
   */
  function hresultError(hr: number, syscall: string, path?: string | null, dest?: string | null): Win32Error {
    if (((hr >>> 16) & 0x1fff) === FACILITY_WIN32) return win32Error(hr & 0xffff, syscall, path, dest);
    const code = tables.hresult.get(hr | 0) ?? `HRESULT_${hex(hr)}`;
    return new Win32Error(hr | 0, code, text(hr, false), syscall, path ?? undefined, dest ?? undefined);
  }
  return { win32Error, ntStatusError, hresultError };
}

/** The range of a signed pointer-sized value (handles are signed: INVALID_HANDLE_VALUE is -1n). */
function handleRange(bits: 32 | 64): [bigint, bigint] {
  const half = 1n << BigInt(bits - 1);
  return [-half, half - 1n];
}

/** Checks a handle value for a struct field or an array element. */
export function checkHandle(v: unknown, fn: string, arg: string, bits: 32 | 64): bigint {
  if (typeof v !== 'bigint') throw argTypeError(fn, arg, 'a handle (bigint)', v);
  const [lo, hi] = handleRange(bits);
  if (v < lo || v > hi) throw argRangeError(fn, arg, `is not a handle value on this target`);
  return v;
}

/** A JavaScript array of handles as the native layer's pointer-sized cells. */
export function handleArray(v: unknown, fn: string, arg: string, bits: 32 | 64, optional: boolean): BigInt64Array | Int32Array | null {
  if (optional && (v === null || v === undefined)) return null;
  if (!Array.isArray(v)) throw argTypeError(fn, arg, `an array of handles${optional ? ' or null' : ''}`, v);
  const out = bits === 64 ? new BigInt64Array(v.length) : new Int32Array(v.length);
  v.forEach((h, i) => {
    const x = checkHandle(h, fn, `${arg}[${i}]`, bits);
    out[i] = (bits === 64 ? x : Number(x)) as never;
  });
  return out;
}

/** The initial value of an in/out integer parameter, checked like any integer argument, in its cell. */
export function intCell(v: unknown, fn: string, arg: string, bits: 8 | 16 | 32, signed: boolean): Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array {
  if (typeof v !== 'number') throw argTypeError(fn, arg, 'an integer number', v);
  const lo = signed ? -(2 ** (bits - 1)) : 0;
  const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (!Number.isInteger(v) || v < lo || v > hi) throw argRangeError(fn, arg, `must be an integer in [${lo}, ${hi}], got ${v}`);
  const arrays = { 8: [Int8Array, Uint8Array], 16: [Int16Array, Uint16Array], 32: [Int32Array, Uint32Array] } as const;
  return arrays[bits][signed ? 0 : 1].of(v);
}

/** Checks a value for a pointer-sized or 64-bit integer field of `bits` bits (a bigint, or a safe integer). */
export function checkWide(v: unknown, field: string, bits: 32 | 64, signed: boolean): bigint {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else if (typeof v === 'number') throw argRangeError('set', field, `must be a safe integer or a bigint, got ${v}`);
  else throw argTypeError('set', field, 'a bigint or number', v);
  const lo = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const hi = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  if (b < lo || b > hi) throw argRangeError('set', field, `is out of range for a ${signed ? 'signed' : 'unsigned'} ${bits}-bit field`);
  return b;
}

/** A 32-bit flag set for a field: unsigned, or the signed value JavaScript's | makes of one; stored as its bits. */
export function checkFlags32(v: unknown, field: string): number {
  if (typeof v !== 'number') throw argTypeError('set', field, 'a number', v);
  if (!Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 32 - 1) throw argRangeError('set', field, `must be a 32-bit flag set, got ${v}`);
  return v >>> 0;
}

/** A boolean for a BOOL field. */
export function checkBool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw argTypeError('set', field, 'a boolean', v);
  return v;
}

const utf16 = new TextDecoder('utf-16le');

/** UTF-16 text up to the first NUL (or `length` code units) of a buffer from an out-parameter. */
export function fromUtf16(buffer: Uint16Array, length?: number): string {
  const units = buffer.subarray(0, length ?? buffer.length);
  const end = units.indexOf(0);
  return utf16.decode(end < 0 ? units : units.subarray(0, end));
}

/** A WCHAR[N] field read as a string up to its first NUL. */
export function readWString(bytes: Uint8Array, offset: number, length: number): string {
  const field = bytes.subarray(offset, offset + length * 2);
  let end = 0;
  while (end < field.length && (field[end] !== 0 || field[end + 1] !== 0)) end += 2;
  return utf16.decode(field.subarray(0, end));
}

/** Stores a string in a WCHAR[N] field, NUL-padded; it must fit with room for the NUL. */
export function writeWString(bytes: Uint8Array, offset: number, length: number, v: unknown, field: string): void {
  if (typeof v !== 'string') throw argTypeError('set', field, 'a string', v);
  if (v.includes('\0')) throw argTypeError('set', field, 'a string without NUL characters', 'string with NUL');
  if (v.length >= length) throw argRangeError('set', field, `must be shorter than ${length} UTF-16 code units`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length * 2);
  for (let i = 0; i < length; i++) view.setUint16(i * 2, i < v.length ? v.charCodeAt(i) : 0, true);
}
