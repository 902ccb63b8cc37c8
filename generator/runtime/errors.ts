/**
 * Errors thrown by generated bindings, shaped like Node's own SystemError:
 * `code` ('ENOENT'), `errno` (the positive number), `syscall`, and `path` /
 * `dest` where the call had paths.
 */

/** errno number → [name, description], one table per target (generated). */
export type ErrnoTable = ReadonlyMap<number, readonly [string, string]>;

export class SyscallError extends Error {
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
