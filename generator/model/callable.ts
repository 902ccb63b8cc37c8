/**
 * What every bound call is, on either platform: a name, classified
 * parameters, a classified result, whether it blocks, where the spec declares
 * it, and how it reaches the system (`invoke`). Linux and Win32 differ only in
 * the parameter and result kinds their adapters produce and in the invocation;
 * the C++ writer picks its `invoke-*` partial from `invoke.via`.
 */
import type { Place } from '../errors.js';

/** A Linux syscall by number: `syscall(nr, registers...)`, failure as -errno. */
export interface SyscallInvocation {
  via: 'syscall';
  nr: number;
  /** Kernel entry point (sys_*) whose prototype gave the parameters. */
  entry: string;
}

/** An export of a DLL, resolved on first call, through a pointer with the metadata's calling convention. */
export interface DllInvocation {
  via: 'dll';
  /** The DLL as the metadata spells it. */
  dll: string;
  /** The TypeScript module (kernel32) the function goes into, one per DLL. */
  module: string;
  callingConvention: 'winapi' | 'cdecl';
  /** GetLastError() is read right after the call, before any Node-API call. */
  setLastError: boolean;
  /** SetLastError(0) before the call, so that a 0 result with no error reads as success. */
  clearLastError: boolean;
}

export type Invocation = SyscallInvocation | DllInvocation;

export interface Callable<Param, Return, Invoke extends Invocation> {
  /** The JavaScript name. */
  name: string;
  params: Param[];
  returns: Return;
  /** Also offered as an async form that runs off the JavaScript thread. */
  blocking: boolean;
  invoke: Invoke;
  doc?: string;
  /** Where the spec declares it, for error messages and generated comments. */
  place: Place;
}
