/**
 * Errors thrown by generated bindings, shaped like Node's own SystemError:
 * `code` ('ENOENT'), `errno` (the positive number), `syscall`, and `path` /
 * `dest` where the call had paths.
 */

/** errno number → [name, description], one table per target (generated). */
export type ErrnoTable = ReadonlyMap<number, readonly [string, string]>;

/**
 * What SyscallError and Win32Error share: Node's SystemError shape and message
 * (`ENOENT: No such file or directory, openat '/nope'`).
 */
abstract class SystemCallError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  declare readonly path?: string;
  declare readonly dest?: string;

  constructor(errno: number, code: string, description: string, syscall: string, path?: string, dest?: string) {
    let message = `${code}: ${description}, ${syscall}`;
    if (path !== undefined) message += ` '${path}'`;
    if (dest !== undefined) message += ` -> '${dest}'`;
    super(message);
    this.errno = errno;
    this.code = code;
    this.syscall = syscall;
    if (path !== undefined) this.path = path;
    if (dest !== undefined) this.dest = dest;
  }
}

export class SyscallError extends SystemCallError {
  override get name(): string {
    return 'SyscallError';
  }
}

/** Builds the function generated code calls with a negative result. */
export function errorFactory(table: ErrnoTable) {
  return function syscallError(errno: number, syscall: string, path?: string | null, dest?: string | null): SyscallError {
    const entry = table.get(errno);
    const code = entry?.[0] ?? `E${errno}`;
    const description = entry?.[1] ?? `unknown error ${errno}`;
    return new SyscallError(errno, code, description, syscall, path ?? undefined, dest ?? undefined);
  };
}

export function argTypeError(fn: string, arg: string, expected: string, got: unknown): TypeError {
  const received = got === null ? 'null' : got === undefined ? 'undefined (missing)' : typeof got === 'object' ? (got.constructor?.name ?? 'object') : typeof got;
  const e = new TypeError(`${fn}(): argument '${arg}' must be ${expected}, received ${received}`);
  (e as TypeError & { code: string }).code = 'ERR_INVALID_ARG_TYPE';
  return e;
}

export function argRangeError(fn: string, arg: string, what: string): RangeError {
  const e = new RangeError(`${fn}(): argument '${arg}' ${what}`);
  (e as RangeError & { code: string }).code = 'ERR_OUT_OF_RANGE';
  return e;
}

/**
 * A Win32 function failed: `errno` is the error code (GetLastError(), read
 * immediately after the call, or the code the function returned), `code` its
 * name (`ERROR_FILE_NOT_FOUND`), the message Windows' own text for it.
 */
export class Win32Error extends SystemCallError {
  override get name(): string {
    return 'Win32Error';
  }
}

/**
 * An NT function returned a failure NTSTATUS: `status` is the code as an
 * unsigned 32-bit number (0xC0000034), `code` its name (`STATUS_OBJECT_NAME_NOT_FOUND`).
 */
export class NtStatusError extends Error {
  readonly code: string;
  readonly status: number;
  readonly syscall: string;

  constructor(status: number, code: string, description: string, syscall: string) {
    super(`${code}: ${description}, ${syscall}`);
    this.status = status >>> 0;
    this.code = code;
    this.syscall = syscall;
  }

  override get name(): string {
    return 'NtStatusError';
  }
}
