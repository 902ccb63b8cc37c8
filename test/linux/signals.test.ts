/**
 * kill, tgkill, rt_sigprocmask: deliveries observed through Node (a child's
 * 'exit' signal, a process.on handler) and masks through /proc/<tid>/status.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { delay, exited, procFields, procStat, spawned } from './helpers.js';

/** The bit a signal has in a kernel sigset (and in /proc's SigBlk/SigPnd hex masks). */
const bit = (name: keyof typeof os.constants.signals) => 1n << BigInt(os.constants.signals[name] - 1);
/** This thread's mask field (SigBlk, ShdPnd, SigPnd, SigCgt…) from /proc. */
const procMask = (field: string) => BigInt(`0x${procFields(`/proc/self/task/${process.pid}/status`).get(field)}`);

describe('kill', () => {
  it('delivers SIGTERM to a child; Node reports the child killed by SIGTERM', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await spawned(child);
    const done = exited(child);
    expect(sys.kill(child.pid!, 0)).toBeUndefined(); // signal 0: the process exists
    const startTime = procStat(child.pid!)[19]; // field 22: start time, tells a reused pid apart
    sys.kill(child.pid!, sys.SIGTERM);
    expect(await done).toEqual({ code: null, signal: 'SIGTERM' });
    // Reaped: no such process any more (unless the pid was already reused by another process).
    let reused = false;
    try {
      reused = procStat(child.pid!)[19] !== startTime;
    } catch {}
    if (!reused) {
      expect(() => sys.kill(child.pid!, 0)).toThrow(expect.objectContaining({ code: 'ESRCH', errno: os.constants.errno.ESRCH, syscall: 'kill' }));
    }
  });

  it('the signal number reaches the kernel unchanged (SIGKILL vs SIGINT)', async () => {
    for (const [num, name] of [
      [sys.SIGKILL, 'SIGKILL'],
      [sys.SIGINT, 'SIGINT'],
    ] as const) {
      const child = spawn('sleep', ['30'], { stdio: 'ignore' });
      await spawned(child);
      const done = exited(child);
      sys.kill(child.pid!, num);
      expect((await done).signal).toBe(name);
    }
  });

  it('an invalid signal number fails with EINVAL', () => {
    expect(() => sys.kill(process.pid, 1000)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });
});

describe('tgkill', () => {
  it('delivers SIGUSR2 to our own main thread; the process.on handler runs', async () => {
    let got: string | null = null;
    const received = new Promise<void>((resolve) => {
      process.once('SIGUSR2', (s) => {
        got = s;
        resolve();
      });
    });
    sys.tgkill(process.pid, sys.gettid(), sys.SIGUSR2);
    await Promise.race([received, delay(2000)]);
    expect(got).toBe('SIGUSR2');
  });

  it('fails with ESRCH when the thread is not in the given thread group', () => {
    expect(() => sys.tgkill(1, process.pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH', syscall: 'tgkill' }));
    expect(() => sys.tgkill(process.pid, process.pid, 0)).not.toThrow();
  });
});

describe('rt_sigprocmask', () => {
  it('reads the current mask: the same bits /proc shows as SigBlk', () => {
    const cur = new sys.Sigset();
    sys.rt_sigprocmask(sys.SIG_BLOCK, null, cur);
    expect(cur.sig[0]).toBe(procMask('SigBlk'));
  });

  it('blocks SIGUSR1 (visible in /proc), returns the old mask, and restores it', () => {
    const original = new sys.Sigset();
    sys.rt_sigprocmask(sys.SIG_BLOCK, null, original);
    expect(original.sig[0]! & bit('SIGUSR1')).toBe(0n);
    const old = new sys.Sigset();
    sys.rt_sigprocmask(sys.SIG_BLOCK, sys.Sigset.of({ sig: [bit('SIGUSR1')] }), old);
    try {
      expect(old.sig[0]).toBe(original.sig[0]);
      expect(procMask('SigBlk')).toBe(original.sig[0]! | bit('SIGUSR1'));
    } finally {
      const during = new sys.Sigset();
      sys.rt_sigprocmask(sys.SIG_SETMASK, original, during);
      // The mask handed back on restore is the one with SIGUSR1 blocked.
      expect(during.sig[0]! & bit('SIGUSR1')).toBe(bit('SIGUSR1'));
    }
    expect(procMask('SigBlk')).toBe(original.sig[0]);
  });

  it('a blocked signal stays pending (SigPnd) and is delivered once unblocked', async () => {
    const original = new sys.Sigset();
    let calls = 0;
    const handler = () => calls++;
    process.on('SIGUSR2', handler);
    try {
      sys.rt_sigprocmask(sys.SIG_BLOCK, sys.Sigset.of({ sig: [bit('SIGUSR2')] }), original);
      try {
        sys.tgkill(process.pid, sys.gettid(), sys.SIGUSR2);
        await delay(30);
        expect(calls).toBe(0);
        expect(procMask('SigPnd') & bit('SIGUSR2')).toBe(bit('SIGUSR2'));
      } finally {
        sys.rt_sigprocmask(sys.SIG_UNBLOCK, sys.Sigset.of({ sig: [bit('SIGUSR2')] }), null);
      }
      expect(procMask('SigPnd') & bit('SIGUSR2')).toBe(0n);
      for (let i = 0; i < 100 && calls === 0; i++) await delay(10);
      expect(calls).toBe(1);
    } finally {
      process.off('SIGUSR2', handler);
      sys.rt_sigprocmask(sys.SIG_SETMASK, original, null);
    }
  });

  it('an invalid how fails with EINVAL and leaves the mask alone', () => {
    const before = procMask('SigBlk');
    expect(() => sys.rt_sigprocmask(99, sys.Sigset.of({ sig: [bit('SIGUSR1')] }), null)).toThrow(
      expect.objectContaining({ code: 'EINVAL', syscall: 'rt_sigprocmask' }),
    );
    expect(procMask('SigBlk')).toBe(before);
  });
});

describe('rt_sigqueueinfo, rt_tgsigqueueinfo, pidfd_send_signal (a siginfo from JS)', () => {
  // A python3 child blocks SIGUSR1, says it is ready, and prints what sigwaitinfo(2) received.
  const RECEIVER = [
    'import signal, sys, json',
    'signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})',
    'print("ready", flush=True)',
    'i = signal.sigwaitinfo({signal.SIGUSR1})',
    'print(json.dumps({"signo": i.si_signo, "code": i.si_code, "pid": i.si_pid, "uid": i.si_uid}), flush=True)',
  ].join('\n');
  const SI_QUEUE = -1;

  /** A receiver that is ready, and a promise of what it received. */
  async function receiver(): Promise<{ pid: number; received: Promise<Record<string, number>> }> {
    const child = spawn('python3', ['-c', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    await spawned(child);
    let out = '';
    const ready = new Promise<void>((resolve) =>
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.startsWith('ready\n')) resolve();
      }),
    );
    const done = exited(child);
    await ready;
    const received = done.then(() => JSON.parse(out.split('\n')[1]!) as Record<string, number>);
    return { pid: child.pid!, received };
  }

  /** A SI_QUEUE siginfo claiming a sender pid and uid the kernel passes on as they are. */
  const queued = (pid: number, uid: number) =>
    sys.Siginfo.of({
      si_signo: sys.SIGUSR1,
      si_code: SI_QUEUE,
      _sifields: sys.Sifields.of({ _rt: sys.SifieldsRt.of({ _pid: pid, _uid: uid }) }),
    });

  it('rt_sigqueueinfo: the receiver sees the si_code, si_pid and si_uid JS wrote', async () => {
    const r = await receiver();
    sys.rt_sigqueueinfo(r.pid, sys.SIGUSR1, queued(4242, 77));
    expect(await r.received).toEqual({ signo: sys.SIGUSR1, code: SI_QUEUE, pid: 4242, uid: 77 });
  });

  it('rt_tgsigqueueinfo to the receiver’s main thread (tid = pid)', async () => {
    const r = await receiver();
    sys.rt_tgsigqueueinfo(r.pid, r.pid, sys.SIGUSR1, queued(5151, 88));
    expect(await r.received).toEqual({ signo: sys.SIGUSR1, code: SI_QUEUE, pid: 5151, uid: 88 });
  });

  it('pidfd_send_signal with a siginfo, and without one (then the kernel fills in our pid, SI_USER)', async () => {
    const r1 = await receiver();
    const fd1 = sys.pidfd_open(r1.pid, 0);
    try {
      sys.pidfd_send_signal(fd1, sys.SIGUSR1, queued(6161, 99));
    } finally {
      sys.close(fd1);
    }
    expect(await r1.received).toEqual({ signo: sys.SIGUSR1, code: SI_QUEUE, pid: 6161, uid: 99 });

    const r2 = await receiver();
    const fd2 = sys.pidfd_open(r2.pid, 0);
    try {
      sys.pidfd_send_signal(fd2, sys.SIGUSR1);
    } finally {
      sys.close(fd2);
    }
    expect(await r2.received).toEqual({ signo: sys.SIGUSR1, code: 0, pid: process.pid, uid: process.getuid!() });
  });

  it('a siginfo claiming to come from the kernel (si_code > 0) is EPERM, as the kernel allows no one that', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await spawned(child);
    try {
      const info = queued(1, 0);
      info.si_code = 1;
      expect(() => sys.rt_sigqueueinfo(child.pid!, sys.SIGUSR1, info)).toThrow(expect.objectContaining({ code: 'EPERM' }));
    } finally {
      child.kill();
    }
  });
});
