/**
 * The resolved model of one bound syscall on one target: every parameter
 * classified for the two emitters (C++ converts native arguments; TypeScript
 * builds the public signature and marshals structs, arrays and cells).
 */
import type { Callable, SyscallInvocation } from './callable.js';
import type { StructModel } from '../spec/struct-specs.js';
import type { Dir } from '../spec/semantics.js';

/** A C integer as seen by the target: width and signedness. */
export interface IntInfo {
  bits: 8 | 16 | 32 | 64;
  signed: boolean;
}

export type ParamKind =
  /** A plain integer (flags, modes, counts not tied to a buffer). */
  | { kind: 'int'; int: IntInfo; default?: number }
  | { kind: 'fd'; int: IntInfo }
  | { kind: 'string'; isPath: boolean; optional: boolean }
  /**
   * Bytes; `length` its size in bytes, or `pages`: one byte per page of that length (mincore's vec);
   * `header`: bytes before the `length` ones (msgbuf's mtype), also in the buffer.
   */
  | { kind: 'buffer'; dir: Dir | 'range'; optional: boolean; length?: string; lengthCell?: string; pages?: string; header?: number }
  | { kind: 'struct'; struct: StructModel; size: number; dir: Dir; optional: boolean }
  | { kind: 'array'; struct: StructModel; elemSize: number; dir: Dir; optional: boolean; length?: string; count?: number }
  /** Integers through a pointer: `in` and `inout` take their values from JS, `out` start zeroed. */
  | { kind: 'cell'; cell: IntInfo; cType: string; dir: Dir; count: number }
  /**
   * Integers in a typed array the caller passes (Int32Array, BigInt64Array…):
   * the kernel reads and writes them in place, one element or `length` elements; or a bit set of
   * as many bits as the integer parameter `bits` says (select's n: ceil(n / cell bits) elements).
   */
  | { kind: 'ref'; cell: IntInfo; cType: string; dir: Dir; optional: boolean; length?: string; bits?: string }
  /** Not a JS argument: the binding passes a fixed value. */
  | { kind: 'const'; value: number }
  /** A whole mapping made by a `mapping` call; its length argument is derived. */
  | { kind: 'mapping'; length: string }
  /** An integer derived from another parameter (a buffer's or array's length); optional in JS. */
  | { kind: 'length'; of: string; int: IntInfo }
  /** One 32-bit half of a 64-bit JS argument `of` that the prototype takes as two registers. */
  | { kind: 'half'; of: string; half: 'low' | 'high'; int: IntInfo }
  /** A pointer the spec says nothing about: a raw address (bigint), a buffer's address, or null. Unsafe. */
  | { kind: 'address' }
  /** An integer cell holding a buffer's capacity in, used length out (socklen_t *). */
  | { kind: 'lengthCell'; of: string; cell: IntInfo; cType: string };

export interface ParamModel {
  name: string;
  /** The prototype's C type, as the kernel writes it. */
  cType: string;
  kind: ParamKind;
}

export type ReturnModel =
  | { kind: 'number' }
  | { kind: 'bigint' }
  | { kind: 'void' }
  | { kind: 'param'; param: string }
  | { kind: 'mapping'; length: string; releaseNr: number };

/** A bound syscall: a Callable invoked by number. */
export interface SyscallModel extends Callable<ParamModel, ReturnModel, SyscallInvocation> {
  /** The kernel's name where it differs from `name` (unsafe_<kernel name>, a JS reserved word). */
  kernelName?: string;
  /** Why this call is exported only as unsafe_<name> (danger.yaml, or a raw-address parameter). */
  unsafeReason?: string;
  /** danger: danger.yaml says it can hurt the process; undescribed: a pointer nothing describes. */
  unsafeClass?: 'danger' | 'undescribed';
  /** Bound from its prototype alone (no semantics entry). */
  unannotated?: boolean;
  /** Its parameters' meaning was derived from the prototype (spec/derive-semantics.ts), so it has a safe form. */
  derived?: boolean;
  /** A typed form of this multiplexed call (ioctl_TCGETS of ioctl): an extra export, not a syscall of its own. */
  formOf?: string;
  /** Another name this call is exported under on this target (the portable name of a time64/uid32 variant). */
  alias?: string;
}

/** Native (JS-visible) arguments: every parameter except fixed values and lengths derived in C++. */
export function nativeParams(s: SyscallModel): ParamModel[] {
  return s.params.filter((p) => p.kind.kind !== 'const' && !isMappingLength(s, p));
}

export function isMappingLength(s: SyscallModel, p: ParamModel): boolean {
  if (p.kind.kind !== 'length') return false;
  const owner = s.params.find((x) => x.name === (p.kind as { of: string }).of);
  return owner?.kind.kind === 'mapping';
}
