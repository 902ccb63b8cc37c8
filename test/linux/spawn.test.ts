/**
 * spawn(): a program started by one native call (posix_spawn), waited for on
 * its pidfd with waitid_pidfd. Each effect is checked from outside the
 * binding: the program's own output (through a descriptor action), the
 * kernel's view of the child in /proc (parent, session, working directory,
 * signal masks), and its disappearance once reaped.
 */
import { existsSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { makeTempDir, procFields, runChild } from './helpers.js';

const tmp = makeTempDir('spawn');
afterAll(() => tmp.cleanup());

/** The fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, session, …]. */
function statOf(pid: number): string[] {
  const t = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return t.slice(t.lastIndexOf(')') + 2).split(' ');
}

let n = 0;
/** Runs a program with its stdout on a fresh file, waits for it, and returns the file's text and how it ended. */
function output(path: string, argv: string[], envp: string[], options: sys.SpawnOptions = {}) {
  const file = join(tmp.dir, `out-${++n}`);
  const fd = sys.openat(sys.AT_FDCWD, file, sys.O_WRONLY | sys.O_CREAT | sys.O_TRUNC | sys.O_CLOEXEC, 0o600);
  try {
    const child = sys.spawn(path, argv, envp, { ...options, fdActions: [{ dup2: [fd, 1] }, ...(options.fdActions ?? [])] });
    const info = sys.waitid_pidfd(child.pidfd, undefined, sys.WEXITED);
    sys.close(child.pidfd);
    return { text: readFileSync(file, 'utf8'), child, info };
  } finally {
    sys.close(fd);
  }
}

describe('spawn', () => {
  it('runs the program with argv and envp exactly as given (env prints only what envp holds)', () => {
    const r = output('/usr/bin/env', ['env'], ['A=1', 'B=two words']);
    expect(r.text).toBe('A=1\nB=two words\n');
    const s = output('/bin/sh', ['sh', '-c', 'printf "%s|" "$0" "$@"', 'zero', 'one', 'two'], []);
    expect(s.text).toBe('zero|one|two|');
  });

  it('waitid_pidfd reaps that child: its pid, CLD_EXITED and the exit status; /proc had it as our child until then', () => {
    const child = sys.spawn('/bin/sh', ['sh', '-c', 'read x; exit 7'], [], { fdActions: [{ open: { fd: 0, path: '/dev/null', flags: sys.O_RDONLY } }] });
    try {
      expect(Number(statOf(child.pid)[1])).toBe(process.pid);
      const info = sys.waitid_pidfd(child.pidfd, undefined, sys.WEXITED);
      expect(info.si_signo).toBe(sys.SIGCHLD);
      expect(info.si_code).toBe(sys.CLD_EXITED);
      expect(info._sifields._sigchld._pid).toBe(child.pid);
      expect(info._sifields._sigchld._status).toBe(7);
      expect(existsSync(`/proc/${child.pid}`)).toBe(false);
    } finally {
      sys.close(child.pidfd);
    }
  });

  it('WNOHANG finds no change while it runs; pidfd_send_signal ends it, and waitid_pidfd says CLD_KILLED by that signal', () => {
    const child = sys.spawn('/bin/sleep', ['sleep', '30'], []);
    try {
      expect(sys.waitid_pidfd(child.pidfd, undefined, sys.WEXITED | sys.WNOHANG)._sifields._sigchld._pid).toBe(0);
      sys.pidfd_send_signal(child.pidfd, sys.SIGTERM);
      const info = sys.waitid_pidfd(child.pidfd, undefined, sys.WEXITED);
      expect(info.si_code).toBe(sys.CLD_KILLED);
      expect(info._sifields._sigchld._status).toBe(sys.SIGTERM);
    } finally {
      sys.close(child.pidfd);
    }
  });

  it('cwd and setsid: /proc shows the child in that directory, leading a session of its own; without setsid it shares ours', () => {
    const lone = sys.spawn('/bin/sleep', ['sleep', '30'], [], { cwd: tmp.dir, setsid: true });
    const plain = sys.spawn('/bin/sleep', ['sleep', '30'], []);
    try {
      expect(readlinkSync(`/proc/${lone.pid}/cwd`)).toBe(realpathSync(tmp.dir));
      const [, , pgrp, session] = statOf(lone.pid);
      expect([Number(pgrp), Number(session)]).toEqual([lone.pid, lone.pid]);
      expect(Number(statOf(plain.pid)[3])).toBe(sys.getsid(0));
    } finally {
      for (const c of [lone, plain]) {
        sys.pidfd_send_signal(c.pidfd, sys.SIGKILL);
        sys.waitid_pidfd(c.pidfd, undefined, sys.WEXITED);
        sys.close(c.pidfd);
      }
    }
  });

  // glibc reserves real-time signals 32 and 33 (cancellation, setxid): posix_spawn leaves them as the parent has them,
  // and the program's own C library sets them up as it starts. Every standard signal (1-31) is unblocked and at its default.
  it('the child starts with no standard signal blocked and none ignored (Node ignores SIGPIPE; /proc/<pid>/status says the child does not)', () => {
    expect(BigInt(`0x${procFields('/proc/self/status').get('SigIgn')}`) & (1n << BigInt(sys.SIGPIPE - 1))).not.toBe(0n);
    const child = sys.spawn('/bin/sleep', ['sleep', '30'], []);
    try {
      const status = procFields(`/proc/${child.pid}/status`);
      expect(BigInt(`0x${status.get('SigBlk')}`) & 0x7fffffffn).toBe(0n);
      expect(BigInt(`0x${status.get('SigIgn')}`) & 0x7fffffffn).toBe(0n);
    } finally {
      sys.pidfd_send_signal(child.pidfd, sys.SIGKILL);
      sys.waitid_pidfd(child.pidfd, undefined, sys.WEXITED);
      sys.close(child.pidfd);
    }
  });

  it('descriptor actions: open creates the child’s file, close takes an inherited descriptor away', () => {
    const file = join(tmp.dir, 'opened');
    const r = output('/bin/sh', ['sh', '-c', 'echo written >&3'], [], { fdActions: [{ open: { fd: 3, path: file, flags: sys.O_WRONLY | sys.O_CREAT, mode: 0o640 } }] });
    expect(r.info._sifields._sigchld._status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('written\n');
    // A descriptor opened without O_CLOEXEC is inherited unless an action closes it.
    const fd = sys.openat(sys.AT_FDCWD, '/dev/null', sys.O_RDONLY);
    try {
      const probe = ['sh', '-c', `test -e /proc/self/fd/${fd} && echo open || echo closed`];
      expect(output('/bin/sh', probe, []).text).toBe('open\n');
      expect(output('/bin/sh', probe, [], { fdActions: [{ close: fd }] }).text).toBe('closed\n');
    } finally {
      sys.close(fd);
    }
  });

  it('a daemon started with setsid outlives the process that spawned it (/proc: still running, its own session, another parent)', () => {
    const r = runChild('spawn-daemon') as { daemon: number; parent: number };
    try {
      expect(existsSync(`/proc/${r.parent}`) && statOf(r.parent)[0] !== 'Z').toBe(false);
      const [state, ppid, , session] = statOf(r.daemon);
      expect(['S', 'R']).toContain(state);
      expect(Number(session)).toBe(r.daemon);
      expect(Number(ppid)).not.toBe(r.parent);
      expect(readFileSync(`/proc/${r.daemon}/cmdline`, 'utf8')).toBe('sleep\u000030\u0000');
    } finally {
      process.kill(r.daemon, 'SIGKILL');
    }
  });

  it('bad input: a TypeError or RangeError naming the argument, and nothing started', () => {
    const before = readFileSync('/proc/self/task/' + process.pid + '/children', 'utf8');
    expect(() => sys.spawn(1 as never, ['x'], [])).toThrow(/argument 'path' must be a string/);
    expect(() => sys.spawn('/bin/true', 'true' as never, [])).toThrow(/argument 'argv' must be an array of strings/);
    expect(() => sys.spawn('/bin/true', ['true', 3 as never], [])).toThrow(/argument 'argv\[1\]' must be a string/);
    expect(() => sys.spawn('/bin/true', ['tr\0ue'], [])).toThrow(/argument 'argv\[0\]' must not contain NUL/);
    expect(() => sys.spawn('/bin/true', [], [])).toThrow(RangeError);
    expect(() => sys.spawn('/bin/true', ['true'], [null as never])).toThrow(/argument 'envp\[0\]' must be a string/);
    expect(() => sys.spawn('/bin/true', ['true'], [], { fdActions: [{ dup2: [1, -1] }] })).toThrow(/argument 'options.fdActions\[0\]' must be >= 0/);
    expect(() => sys.spawn('/bin/true', ['true'], [], { fdActions: [{ chdir: '/' } as never] })).toThrow(/options.fdActions\[0\]/);
    expect(() => sys.spawn('/bin/true', ['true'], [], { setsid: 'yes' as never })).toThrow(/options.setsid/);
    expect(readFileSync('/proc/self/task/' + process.pid + '/children', 'utf8')).toBe(before);
  });

  it('a program that cannot be started is a SyscallError (ENOENT, EACCES), and no child is left', () => {
    const before = readFileSync('/proc/self/task/' + process.pid + '/children', 'utf8');
    expect(() => sys.spawn(join(tmp.dir, 'no-such-program'), ['x'], [])).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'spawn' }));
    expect(() => sys.spawn(tmp.dir, ['x'], [])).toThrow(expect.objectContaining({ code: 'EACCES' }));
    expect(readFileSync('/proc/self/task/' + process.pid + '/children', 'utf8')).toBe(before);
  });
});
