/**
 * spawn(): a program started in a new process by one native call (glibc's
 * posix_spawn: a CLONE_VM|CLONE_VFORK child on a stack of its own that execs
 * at once), so a threaded runtime is never forked. The child is waited for on
 * its pidfd (`waitid_pidfd`), which only this caller holds: nothing reaps it
 * from under libuv, and it reaps nothing child_process started.
 */
import { argTypeError } from './errors.js';

/** What to do to the child's descriptors before it execs, in order. */
export type SpawnFdAction =
  | { dup2: readonly [from: number, to: number] }
  | { close: number }
  | { open: { fd: number; path: string; flags: number; mode?: number } };

export interface SpawnOptions {
  /** The child's working directory, entered before the descriptor actions. */
  cwd?: string;
  /** setsid() in the child: it leads a new session and process group, with no controlling terminal. */
  setsid?: boolean;
  /**
   * Descriptor actions, applied in order. The child inherits descriptors 0, 1
   * and 2 and every other descriptor not marked close-on-exec (sysbind's own
   * calls open theirs as the flags given say).
   */
  fdActions?: readonly SpawnFdAction[];
}

export interface Spawned {
  pid: number;
  /** A pidfd for the child (close-on-exec): wait with waitid_pidfd, signal with pidfd_send_signal, then close it. */
  pidfd: number;
}

type NativeAction = readonly (string | number)[];

export interface SpawnNative {
  spawn(path: string, argv: readonly string[], envp: readonly string[], cwd: string | null, setsid: boolean, actions: readonly NativeAction[]): Spawned | number;
}

function nativeAction(a: SpawnFdAction, i: number): NativeAction {
  const where = `options.fdActions[${i}]`;
  if (a === null || typeof a !== 'object') throw argTypeError('spawn', where, '{ dup2 }, { close } or { open }', a);
  if ('dup2' in a) {
    if (!Array.isArray(a.dup2) || a.dup2.length !== 2) throw argTypeError('spawn', `${where}.dup2`, 'a [from, to] pair', a.dup2);
    return ['dup2', a.dup2[0], a.dup2[1]];
  }
  if ('close' in a) return ['close', a.close];
  if ('open' in a && a.open !== null && typeof a.open === 'object') return ['open', a.open.fd, a.open.path, a.open.flags, a.open.mode ?? 0o666];
  throw argTypeError('spawn', where, '{ dup2 }, { close } or { open }', a);
}

/** The checks and conversions of every target's spawn(); the native call checks each value again. */
export function spawnWith<E extends Error>(
  native: SpawnNative,
  error: (errno: number, syscall: string, path?: string | null) => E,
  path: string,
  argv: readonly string[],
  envp: readonly string[],
  options: SpawnOptions = {},
): Spawned {
  if (options === null || typeof options !== 'object') throw argTypeError('spawn', 'options', 'an object', options);
  const actions = options.fdActions ?? [];
  if (!Array.isArray(actions)) throw argTypeError('spawn', 'options.fdActions', 'an array', actions);
  const setsid = options.setsid ?? false;
  if (typeof setsid !== 'boolean') throw argTypeError('spawn', 'options.setsid', 'a boolean', setsid);
  const r = native.spawn(path, argv, envp, options.cwd ?? null, setsid, actions.map(nativeAction));
  if (typeof r === 'number') throw error(-r, 'spawn', path);
  return r;
}
