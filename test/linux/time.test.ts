/**
 * Clocks and sleeps, bracketed by Node's process.hrtime.bigint() (CLOCK_MONOTONIC
 * in libuv) and Date.now() (CLOCK_REALTIME).
 */
import fs from 'node:fs';
import os from 'node:os';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { delay, exited } from './helpers.js';

const ns = (t: sys.Timespec) => t.tv_sec * 1_000_000_000n + t.tv_nsec;
const hr = () => process.hrtime.bigint();
/**
 * Runs sleep() on the main thread while a shell sends this process SIGUSR2
 * every 100 ms until the sleep ends (a process-directed signal goes to the
 * main thread when it is not blocking it; repeating it covers a signal that
 * lands before the sleep has started). A handler is installed, so the sleep
 * ends with EINTR.
 */
async function interrupted(sleep: () => void): Promise<unknown> {
  const handler = () => {};
  process.on('SIGUSR2', handler);
  const killer = spawn('sh', ['-c', `while kill -0 ${process.pid}; do sleep 0.1; kill -USR2 ${process.pid}; done`], { stdio: 'ignore' });
  try {
    sleep();
    return null;
  } catch (e) {
    return e;
  } finally {
    killer.kill('SIGKILL');
    await exited(killer);
    await delay(20); // let any last SIGUSR2 reach the handler before it goes
    process.off('SIGUSR2', handler);
  }
}

const ms = (x: number) => sys.Timespec.of({ tv_sec: BigInt(Math.floor(x / 1000)), tv_nsec: BigInt((x % 1000) * 1_000_000) });

describe('clock_gettime', () => {
  it('CLOCK_MONOTONIC lies between two process.hrtime.bigint() readings', () => {
    for (let i = 0; i < 5; i++) {
      const a = hr();
      const t = ns(sys.clock_gettime(sys.CLOCK_MONOTONIC));
      const b = hr();
      expect(t).toBeGreaterThanOrEqual(a);
      expect(t).toBeLessThanOrEqual(b);
    }
  });

  it('CLOCK_REALTIME lies between two Date.now() readings (ms resolution)', () => {
    const a = BigInt(Date.now());
    const t = sys.clock_gettime(sys.CLOCK_REALTIME);
    const b = BigInt(Date.now());
    const tms = ns(t) / 1_000_000n;
    expect(tms).toBeGreaterThanOrEqual(a);
    expect(tms).toBeLessThanOrEqual(b);
    expect(t.tv_nsec).toBeGreaterThanOrEqual(0n);
    expect(t.tv_nsec).toBeLessThan(1_000_000_000n);
  });

  it('CLOCK_PROCESS_CPUTIME_ID advances with CPU work like process.cpuUsage()', () => {
    const c0 = ns(sys.clock_gettime(sys.CLOCK_PROCESS_CPUTIME_ID));
    const u0 = process.cpuUsage();
    let x = 0;
    for (let i = 0; i < 3e6; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    const u1 = process.cpuUsage(u0);
    const c1 = ns(sys.clock_gettime(sys.CLOCK_PROCESS_CPUTIME_ID));
    const cpuNs = BigInt(u1.user + u1.system) * 1000n;
    expect(c1 - c0).toBeGreaterThan(0n);
    // Same quantity, different sampling: within 20 ms.
    expect(c1 - c0 - cpuNs < 20_000_000n && cpuNs - (c1 - c0) < 20_000_000n).toBe(true);
  });

  it('fills a caller-provided Timespec; an invalid clock fails with EINVAL', () => {
    const t = new sys.Timespec();
    expect(sys.clock_gettime(sys.CLOCK_MONOTONIC, t)).toBe(t);
    expect(ns(t)).toBeGreaterThan(0n);
    expect(() => sys.clock_gettime(12345)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'clock_gettime' }));
  });
});

describe('clock_getres', () => {
  it('CLOCK_MONOTONIC has the hrtimer resolution /proc/timer_list reports (root only), at most 1 ms', () => {
    const r = ns(sys.clock_getres(sys.CLOCK_MONOTONIC));
    expect(r).toBeGreaterThan(0n);
    expect(r).toBeLessThanOrEqual(1_000_000n);
    let timerList: string | null = null;
    try {
      timerList = fs.readFileSync('/proc/timer_list', 'utf8');
    } catch {
      // /proc/timer_list is readable by root only; the bound above still applies.
    }
    if (timerList !== null) {
      const m = /\.resolution: (\d+) nsecs/.exec(timerList);
      expect(m).not.toBeNull();
      expect(r).toBe(BigInt(m![1]!));
    }
  });

  it('CLOCK_MONOTONIC_COARSE steps by (a multiple of) its reported resolution', () => {
    const res = ns(sys.clock_getres(sys.CLOCK_MONOTONIC_COARSE));
    expect(res).toBeGreaterThan(1000n); // a tick, not nanoseconds
    const first = ns(sys.clock_gettime(sys.CLOCK_MONOTONIC_COARSE));
    let next = first;
    const deadline = hr() + 1_000_000_000n;
    while (next === first && hr() < deadline) next = ns(sys.clock_gettime(sys.CLOCK_MONOTONIC_COARSE));
    expect(next).toBeGreaterThan(first);
    // A coarse reading moves a whole tick at a time (or several, if we were descheduled);
    // NTP slewing may shave a nanosecond or so off a tick, so allow 1%.
    const step = next - first;
    const ticks = (step + res / 2n) / res;
    expect(ticks).toBeGreaterThanOrEqual(1n);
    const off = step - ticks * res;
    expect(off < 0n ? -off : off).toBeLessThanOrEqual(res / 100n);
  });

  it('an invalid clock fails with EINVAL', () => {
    expect(() => sys.clock_getres(-100)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'clock_getres' }));
  });
});

describe('nanosleep', () => {
  it('sleeps at least the requested time (measured with hrtime)', () => {
    const a = hr();
    sys.nanosleep(ms(25));
    const took = hr() - a;
    expect(took).toBeGreaterThanOrEqual(25_000_000n);
    expect(took).toBeLessThan(1_000_000_000n);
  });

  it('interrupted by a signal: EINTR, and rmtp holds the time that was left', async () => {
    const left = new sys.Timespec();
    const a = hr();
    const e = await interrupted(() => sys.nanosleep(ms(3000), left));
    const slept = hr() - a;
    expect(e).toMatchObject({ code: 'EINTR', syscall: 'nanosleep' });
    expect(slept).toBeLessThan(2_500_000_000n);
    // remaining + slept ≈ requested (the remainder is computed at the interruption)
    expect(ns(left)).toBeGreaterThan(0n);
    expect(ns(left)).toBeLessThanOrEqual(3_000_000_000n);
    expect(ns(left) + slept).toBeGreaterThanOrEqual(3_000_000_000n);
  });

  it('an out-of-range tv_nsec fails with EINVAL without sleeping', () => {
    const a = hr();
    expect(() => sys.nanosleep(sys.Timespec.of({ tv_sec: 1n, tv_nsec: 1_000_000_000n }))).toThrow(
      expect.objectContaining({ code: 'EINVAL', syscall: 'nanosleep' }),
    );
    expect(hr() - a).toBeLessThan(500_000_000n);
  });

  it('async.nanosleep sleeps off the main thread: a timer fires meanwhile, then it resolves', async () => {
    let ticks = 0;
    const iv = setInterval(() => ticks++, 5);
    const a = hr();
    try {
      await sys.async.nanosleep(ms(60));
    } finally {
      clearInterval(iv);
    }
    expect(hr() - a).toBeGreaterThanOrEqual(60_000_000n);
    expect(ticks).toBeGreaterThanOrEqual(3);
  });
});

describe('clock_nanosleep', () => {
  it('relative sleep on CLOCK_MONOTONIC lasts at least the request', () => {
    const a = hr();
    sys.clock_nanosleep(sys.CLOCK_MONOTONIC, 0, ms(20));
    expect(hr() - a).toBeGreaterThanOrEqual(20_000_000n);
  });

  it('a relative sleep interrupted by a signal: EINTR, rmtp holds the time left', async () => {
    const left = new sys.Timespec();
    const a = hr();
    const e = await interrupted(() => sys.clock_nanosleep(sys.CLOCK_MONOTONIC, 0, ms(3000), left));
    const slept = hr() - a;
    expect(e).toMatchObject({ code: 'EINTR', syscall: 'clock_nanosleep' });
    expect(ns(left)).toBeGreaterThan(0n);
    expect(ns(left) + slept).toBeGreaterThanOrEqual(3_000_000_000n);
    expect(ns(left)).toBeLessThan(3_000_000_000n - 50_000_000n);
  });

  it('TIMER_ABSTIME sleeps until an absolute CLOCK_MONOTONIC deadline (hrtime is past it after)', () => {
    const deadline = hr() + 30_000_000n;
    const target = sys.Timespec.of({ tv_sec: deadline / 1_000_000_000n, tv_nsec: deadline % 1_000_000_000n });
    sys.clock_nanosleep(sys.CLOCK_MONOTONIC, sys.TIMER_ABSTIME, target);
    expect(hr()).toBeGreaterThanOrEqual(deadline);
    // A deadline in the past returns at once.
    const a = hr();
    sys.clock_nanosleep(sys.CLOCK_MONOTONIC, sys.TIMER_ABSTIME, sys.Timespec.of({ tv_sec: 1n }));
    expect(hr() - a).toBeLessThan(1_000_000_000n); // generous: a loaded machine deschedules
  });

  it('fails on a clock it cannot sleep on (raw kernel: EOPNOTSUPP) and on an unknown clock (EINVAL)', () => {
    expect(() => sys.clock_nanosleep(sys.CLOCK_THREAD_CPUTIME_ID, 0, ms(1))).toThrow(
      expect.objectContaining({ code: 'EOPNOTSUPP', errno: os.constants.errno.EOPNOTSUPP, syscall: 'clock_nanosleep' }),
    );
    expect(() => sys.clock_nanosleep(12345, 0, ms(1))).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'clock_nanosleep' }));
  });

  it('async.clock_nanosleep sleeps off the main thread until the deadline', async () => {
    let ticks = 0;
    const iv = setInterval(() => ticks++, 5);
    const deadline = hr() + 50_000_000n;
    try {
      await sys.async.clock_nanosleep(
        sys.CLOCK_MONOTONIC,
        sys.TIMER_ABSTIME,
        sys.Timespec.of({ tv_sec: deadline / 1_000_000_000n, tv_nsec: deadline % 1_000_000_000n }),
      );
    } finally {
      clearInterval(iv);
    }
    expect(hr()).toBeGreaterThanOrEqual(deadline);
    expect(ticks).toBeGreaterThanOrEqual(3);
  });
});
