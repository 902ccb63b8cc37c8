/**
 * Descriptor syscalls: pipes, dup3, fcntl, eventfd, memfd, timerfd, epoll and
 * poll. The other side of each check is Node's fs on the same fd, or the
 * kernel's description of the fd in /proc/self/fd and /proc/self/fdinfo.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { bytes, fdFlags, fdinfo, fdIsOpen, fdTarget, text } from './helpers.js';

/** fds opened by a test, closed after it (ignoring ones the test closed itself). */
const open: number[] = [];
const track = <T extends number | number[]>(x: T): T => {
  open.push(...([] as number[]).concat(x));
  return x;
};
afterEach(() => {
  for (const fd of open.splice(0)) {
    try {
      sys.close(fd);
    } catch {
      /* closed by the test */
    }
  }
});

const O_CLOEXEC_FDINFO = 0o2000000; // how fdinfo shows close-on-exec (asm-generic/fcntl.h)
const u64le = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, 8).readBigUInt64LE();
const le64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return new Uint8Array(b);
};

describe('pipe2', () => {
  it('returns [read, write] ends of one pipe: same inode in /proc, data flows through fs', () => {
    const [r, w] = track(sys.pipe2());
    expect(fdTarget(r)).toMatch(/^pipe:\[\d+\]$/);
    expect(fdTarget(w)).toBe(fdTarget(r));
    expect(fdFlags(r) & 3).toBe(fs.constants.O_RDONLY);
    expect(fdFlags(w) & 3).toBe(fs.constants.O_WRONLY);
    expect(sys.write(w, bytes('through the pipe'))).toBe(16);
    const buf = Buffer.alloc(32);
    expect(fs.readSync(r, buf)).toBe(16);
    expect(buf.subarray(0, 16).toString()).toBe('through the pipe');
    fs.writeSync(w, 'and back');
    const b2 = new Uint8Array(32);
    expect(text(b2, sys.read(r, b2))).toBe('and back');
  });

  it('applies O_CLOEXEC and O_NONBLOCK to both ends', () => {
    const [r, w] = track(sys.pipe2(sys.O_CLOEXEC | sys.O_NONBLOCK));
    for (const fd of [r, w]) {
      expect(fdFlags(fd) & O_CLOEXEC_FDINFO).toBe(O_CLOEXEC_FDINFO);
      expect(fdFlags(fd) & fs.constants.O_NONBLOCK).toBe(fs.constants.O_NONBLOCK);
    }
    expect(() => sys.read(r, new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
  });

  it('invalid flags fail with EINVAL', () => {
    expect(() => sys.pipe2(0x7fff_0000)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'pipe2' }));
  });
});

describe('dup3', () => {
  it('makes newfd refer to the same pipe: reading it gets what was written to the original', () => {
    const [r, w] = track(sys.pipe2());
    let target = 700;
    while (fdIsOpen(target)) target++;
    const d = track(sys.dup3(r, target));
    expect(d).toBe(target);
    expect(fdTarget(d)).toBe(fdTarget(r));
    fs.writeSync(w, 'dup data');
    const buf = new Uint8Array(16);
    expect(text(buf, sys.read(d, buf))).toBe('dup data');
    // Without O_CLOEXEC the copy is inheritable; with it, fdinfo shows the flag.
    expect(fdFlags(d) & O_CLOEXEC_FDINFO).toBe(0);
    const d2 = track(sys.dup3(r, target + 1, sys.O_CLOEXEC));
    expect(fdFlags(d2) & O_CLOEXEC_FDINFO).toBe(O_CLOEXEC_FDINFO);
  });

  it('replaces an open newfd, and refuses oldfd === newfd with EINVAL', () => {
    const [r1, w1] = track(sys.pipe2());
    const [r2, w2] = track(sys.pipe2());
    sys.dup3(r1, r2);
    expect(fdTarget(r2)).toBe(fdTarget(r1));
    fs.writeSync(w1, 'x');
    expect(fs.readSync(r2, Buffer.alloc(1))).toBe(1);
    expect(() => sys.dup3(w2, w2)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'dup3' }));
  });
});

describe('fcntl', () => {
  it('F_GETFL/F_SETFL O_NONBLOCK: fdinfo shows it and an empty read gives EAGAIN', () => {
    const [r, w] = track(sys.pipe2());
    const before = sys.fcntl(r, sys.F_GETFL, 0);
    expect(before & fs.constants.O_NONBLOCK).toBe(0);
    expect(before & 3).toBe(fs.constants.O_RDONLY);
    expect(fdFlags(r) & fs.constants.O_NONBLOCK).toBe(0);
    sys.fcntl(r, sys.F_SETFL, before | sys.O_NONBLOCK);
    expect(sys.fcntl(r, sys.F_GETFL, 0) & fs.constants.O_NONBLOCK).toBe(fs.constants.O_NONBLOCK);
    expect(fdFlags(r) & fs.constants.O_NONBLOCK).toBe(fs.constants.O_NONBLOCK);
    expect(() => sys.read(r, new Uint8Array(4))).toThrow(expect.objectContaining({ code: 'EAGAIN', errno: 11, syscall: 'read' }));
    fs.writeSync(w, 'ok');
    expect(sys.read(r, new Uint8Array(4))).toBe(2);
  });

  it('F_GETFD/F_SETFD FD_CLOEXEC, as fdinfo reports it', () => {
    const [r] = track(sys.pipe2());
    expect(sys.fcntl(r, sys.F_GETFD, 0)).toBe(0);
    sys.fcntl(r, sys.F_SETFD, sys.FD_CLOEXEC);
    expect(fdFlags(r) & O_CLOEXEC_FDINFO).toBe(O_CLOEXEC_FDINFO);
    expect(sys.fcntl(r, sys.F_GETFD, 0)).toBe(1); // FD_CLOEXEC is 1 in fcntl(2)
    sys.fcntl(r, sys.F_SETFD, 0);
    expect(fdFlags(r) & O_CLOEXEC_FDINFO).toBe(0);
  });

  it('F_DUPFD returns the lowest free fd >= arg, a copy of the same pipe', () => {
    const [r] = track(sys.pipe2());
    let min = 800;
    while (fdIsOpen(min)) min++;
    const d = track(sys.fcntl(r, sys.F_DUPFD, min));
    expect(d).toBe(min);
    expect(fdTarget(d)).toBe(fdTarget(r));
  });

  it('F_GETPIPE_SZ/F_SETPIPE_SZ change the capacity the kernel enforces', () => {
    const [r, w] = track(sys.pipe2(sys.O_NONBLOCK));
    const size = sys.fcntl(w, sys.F_SETPIPE_SZ, 8192);
    expect(size).toBeGreaterThanOrEqual(8192);
    expect(sys.fcntl(r, sys.F_GETPIPE_SZ, 0)).toBe(size);
    // Fill it through Node: exactly `size` bytes fit before EAGAIN.
    let total = 0;
    const chunk = Buffer.alloc(1024, 1);
    for (;;) {
      try {
        total += fs.writeSync(w, chunk);
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('EAGAIN');
        break;
      }
    }
    expect(total).toBe(size);
  });

  it('fails with EBADF on a closed fd', () => {
    const [r, w] = sys.pipe2();
    sys.close(r);
    sys.close(w);
    expect(() => sys.fcntl(r, sys.F_GETFL, 0)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'fcntl' }));
  });
});

describe('eventfd2', () => {
  it('the counter reads as 8 little-endian bytes and fdinfo agrees', () => {
    const fd = track(sys.eventfd2(5));
    expect(fdTarget(fd)).toBe('anon_inode:[eventfd]');
    expect(parseInt(fdinfo(fd).get('eventfd-count')!, 16)).toBe(5);
    sys.write(fd, le64(3n));
    expect(parseInt(fdinfo(fd).get('eventfd-count')!, 16)).toBe(8);
    const buf = new Uint8Array(8);
    expect(sys.read(fd, buf)).toBe(8);
    expect(u64le(buf)).toBe(8n);
    expect(parseInt(fdinfo(fd).get('eventfd-count')!, 16)).toBe(0);
  });

  it('EFD_SEMAPHORE reads 1 at a time; EFD_NONBLOCK then gives EAGAIN', () => {
    const fd = track(sys.eventfd2(2, sys.EFD_SEMAPHORE | sys.EFD_NONBLOCK));
    const buf = Buffer.alloc(8);
    expect(fs.readSync(fd, buf)).toBe(8);
    expect(buf.readBigUInt64LE()).toBe(1n);
    expect(fs.readSync(fd, buf)).toBe(8);
    expect(buf.readBigUInt64LE()).toBe(1n);
    expect(() => sys.read(fd, buf)).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
    expect(fdFlags(fd) & fs.constants.O_NONBLOCK).toBe(fs.constants.O_NONBLOCK);
  });
});

describe('memfd_create', () => {
  it('makes an anonymous file: /proc names it, data written is read back with fs.readFileSync', () => {
    const fd = track(sys.memfd_create('sysbind-test'));
    expect(fdTarget(fd)).toBe('/memfd:sysbind-test (deleted)');
    sys.write(fd, bytes('in memory only'));
    expect(fs.readFileSync(`/proc/self/fd/${fd}`, 'utf8')).toBe('in memory only');
    expect(fs.fstatSync(fd).size).toBe(14);
    expect(fs.fstatSync(fd).isFile()).toBe(true);
  });

  it('MFD_CLOEXEC sets close-on-exec; a name with a NUL is refused', () => {
    const fd = track(sys.memfd_create('x', sys.MFD_CLOEXEC));
    expect(fdFlags(fd) & O_CLOEXEC_FDINFO).toBe(O_CLOEXEC_FDINFO);
    expect(() => sys.memfd_create('a\0b')).toThrow(TypeError);
  });
});

describe('timerfd', () => {
  const ms = (x: number) => sys.Timespec.of({ tv_sec: BigInt(Math.floor(x / 1000)), tv_nsec: BigInt((x % 1000) * 1_000_000) });
  const nsOf = (t: sys.Timespec) => t.tv_sec * 1_000_000_000n + t.tv_nsec;

  it('timerfd_create makes a timerfd on the given clock (fdinfo clockid)', () => {
    const fd = track(sys.timerfd_create(sys.CLOCK_MONOTONIC, sys.TFD_CLOEXEC));
    expect(fdTarget(fd)).toBe('anon_inode:[timerfd]');
    expect(fdinfo(fd).get('clockid')).toBe('1'); // CLOCK_MONOTONIC in time.h
    expect(fdFlags(fd) & O_CLOEXEC_FDINFO).toBe(O_CLOEXEC_FDINFO);
    const rt = track(sys.timerfd_create(sys.CLOCK_REALTIME));
    expect(fdinfo(rt).get('clockid')).toBe('0');
  });

  it('settime arms it: gettime counts it_value down, fdinfo agrees, expiry count 1 after it fires', () => {
    const fd = track(sys.timerfd_create(sys.CLOCK_MONOTONIC));
    const t0 = process.hrtime.bigint();
    sys.timerfd_settime(fd, 0, sys.Itimerspec.of({ it_value: ms(60) }));
    const first = nsOf(sys.timerfd_gettime(fd).it_value);
    expect(first).toBeGreaterThan(0n);
    expect(first).toBeLessThanOrEqual(60_000_000n);
    expect(fdinfo(fd).get('it_value')).toMatch(/^\(0, \d+\)$/);
    const second = nsOf(sys.timerfd_gettime(fd).it_value);
    expect(second).toBeLessThan(first);
    const buf = new Uint8Array(8);
    expect(sys.read(fd, buf)).toBe(8); // blocks until it fires
    expect(process.hrtime.bigint() - t0).toBeGreaterThanOrEqual(60_000_000n);
    expect(u64le(buf)).toBe(1n);
    // Disarmed now: it_value reads as zero.
    expect(nsOf(sys.timerfd_gettime(fd).it_value)).toBe(0n);
  });

  it('an interval timer accumulates expirations; otmr returns the previous setting', () => {
    const fd = track(sys.timerfd_create(sys.CLOCK_MONOTONIC, sys.TFD_NONBLOCK));
    // The timer is armed somewhere between these two clock readings (far apart
    // under an emulator): `before` bounds its age from above, `armed` from below.
    const before = process.hrtime.bigint();
    sys.timerfd_settime(fd, 0, sys.Itimerspec.of({ it_value: ms(10), it_interval: ms(10) }));
    const armed = process.hrtime.bigint();
    expect(nsOf(sys.timerfd_gettime(fd).it_interval)).toBe(10_000_000n);
    expect(fdinfo(fd).get('it_interval')).toBe('(0, 10000000)');
    while (process.hrtime.bigint() - armed < 65_000_000n) sys.sched_yield();
    const buf = Buffer.alloc(8);
    expect(fs.readSync(fd, buf)).toBe(8);
    const elapsed = process.hrtime.bigint() - before;
    const count = buf.readBigUInt64LE();
    // Expirations at 10, 20, … ms after arming: at least 6 once it is 65 ms old,
    // at most one per 10 ms since before it was armed.
    expect(count).toBeGreaterThanOrEqual(6n);
    expect(count).toBeLessThanOrEqual(elapsed / 10_000_000n);
    const old = new sys.Itimerspec();
    sys.timerfd_settime(fd, 0, new sys.Itimerspec(), old);
    expect(nsOf(old.it_interval)).toBe(10_000_000n);
    expect(nsOf(sys.timerfd_gettime(fd).it_value)).toBe(0n);
    expect(() => sys.read(fd, buf)).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
  });

  it('TFD_TIMER_ABSTIME: an absolute CLOCK_MONOTONIC deadline in the past fires at once', () => {
    const fd = track(sys.timerfd_create(sys.CLOCK_MONOTONIC, sys.TFD_NONBLOCK));
    sys.timerfd_settime(fd, sys.TFD_TIMER_ABSTIME, sys.Itimerspec.of({ it_value: sys.Timespec.of({ tv_sec: 1n }) }));
    const buf = Buffer.alloc(8);
    expect(fs.readSync(fd, buf)).toBe(8);
    expect(buf.readBigUInt64LE()).toBe(1n);
  });

  it('an invalid tv_nsec fails with EINVAL', () => {
    const fd = track(sys.timerfd_create(sys.CLOCK_MONOTONIC));
    const bad = sys.Itimerspec.of({ it_value: sys.Timespec.of({ tv_nsec: 2_000_000_000n }) });
    expect(() => sys.timerfd_settime(fd, 0, bad)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'timerfd_settime' }));
  });
});

describe('epoll', () => {
  it('epoll_create1 makes an epoll fd (CLOEXEC as asked)', () => {
    const ep = track(sys.epoll_create1(sys.EPOLL_CLOEXEC));
    expect(fdTarget(ep)).toBe('anon_inode:[eventpoll]');
    expect(fdFlags(ep) & O_CLOEXEC_FDINFO).toBe(O_CLOEXEC_FDINFO);
  });

  it('epoll_ctl registers the fd with its events and data, as fdinfo lists them', () => {
    const ep = track(sys.epoll_create1());
    const [r] = track(sys.pipe2());
    sys.epoll_ctl(ep, sys.EPOLL_CTL_ADD, r, sys.EpollEvent.of({ events: sys.EPOLLIN, data: 0x1234_5678_9abcn }));
    const line = fdinfo(ep).get('tfd')!;
    expect(line).toMatch(new RegExp(`^${r} events:\\s*19 data:\\s*123456789abc\\b`)); // 19 = EPOLLIN|EPOLLERR|EPOLLHUP (hex)
    sys.epoll_ctl(ep, sys.EPOLL_CTL_MOD, r, sys.EpollEvent.of({ events: (sys.EPOLLIN | sys.EPOLLET) >>> 0, data: 7n }));
    expect(fdinfo(ep).get('tfd')).toMatch(new RegExp(`^${r} events:\\s*80000019 data:\\s*7\\b`));
    sys.epoll_ctl(ep, sys.EPOLL_CTL_DEL, r, null);
    expect(fdinfo(ep).has('tfd')).toBe(false);
    expect(() => sys.epoll_ctl(ep, sys.EPOLL_CTL_DEL, r, null)).toThrow(expect.objectContaining({ code: 'ENOENT', syscall: 'epoll_ctl' }));
  });

  it('EpollEvent.events accepts EPOLLIN | EPOLLET as JavaScript computes it (a negative int32)', () => {
    // `|` yields a signed 32-bit result, so any mask with EPOLLET (bit 31) is negative in JS.
    const mask = sys.EPOLLIN | sys.EPOLLET;
    expect(mask).toBeLessThan(0);
    const ep = track(sys.epoll_create1());
    const [r, w] = track(sys.pipe2());
    sys.epoll_ctl(ep, sys.EPOLL_CTL_ADD, r, sys.EpollEvent.of({ events: mask, data: 1n }));
    expect(fdinfo(ep).get('tfd')).toMatch(new RegExp(`^${r} events:\\s*80000019 `));
    fs.writeSync(w, 'x');
    const events = new sys.StructArray(sys.EpollEvent, 1);
    expect(sys.epoll_pwait(ep, events, undefined, 0)).toBe(1);
    // Edge-triggered: not reported again until new data arrives.
    expect(sys.epoll_pwait(ep, events, undefined, 0)).toBe(0);
  });

  it('epoll_pwait: no event before a write, EPOLLIN with our data after it', () => {
    const ep = track(sys.epoll_create1());
    const [r, w] = track(sys.pipe2());
    sys.epoll_ctl(ep, sys.EPOLL_CTL_ADD, r, sys.EpollEvent.of({ events: sys.EPOLLIN, data: 42n }));
    const events = new sys.StructArray(sys.EpollEvent, 4);
    expect(sys.epoll_pwait(ep, events, undefined, 0)).toBe(0);
    fs.writeSync(w, 'wake');
    expect(sys.epoll_pwait(ep, events, undefined, 0)).toBe(1);
    expect(events.at(0).events & sys.EPOLLIN).toBe(sys.EPOLLIN);
    expect(events.at(0).data).toBe(42n);
    // Level-triggered: still ready until drained.
    expect(sys.epoll_pwait(ep, events, 1, 0)).toBe(1);
    fs.readSync(r, Buffer.alloc(8));
    expect(sys.epoll_pwait(ep, events, undefined, 0)).toBe(0);
  });

  it('epoll_pwait reports several ready fds and EPOLLHUP when the writer closes', () => {
    const ep = track(sys.epoll_create1());
    const [r1, w1] = track(sys.pipe2());
    const [r2, w2] = track(sys.pipe2());
    sys.epoll_ctl(ep, sys.EPOLL_CTL_ADD, r1, sys.EpollEvent.of({ events: sys.EPOLLIN, data: 1n }));
    sys.epoll_ctl(ep, sys.EPOLL_CTL_ADD, r2, sys.EpollEvent.of({ events: sys.EPOLLIN, data: 2n }));
    fs.writeSync(w1, 'a');
    sys.close(w2);
    const events = new sys.StructArray(sys.EpollEvent, 8);
    const n = sys.epoll_pwait(ep, events, undefined, 100);
    expect(n).toBe(2);
    const byData = new Map([...events].slice(0, n).map((e) => [e.data, e.events]));
    expect(byData.get(1n)! & sys.EPOLLIN).toBe(sys.EPOLLIN);
    expect(byData.get(2n)! & sys.EPOLLHUP).toBe(sys.EPOLLHUP);
  });

  it('epoll_pwait with a timeout and nothing ready waits about that long', () => {
    const ep = track(sys.epoll_create1());
    const t0 = process.hrtime.bigint();
    expect(sys.epoll_pwait(ep, new sys.StructArray(sys.EpollEvent, 1), undefined, 30, new sys.Sigset())).toBe(0);
    const waited = process.hrtime.bigint() - t0;
    expect(waited).toBeGreaterThanOrEqual(29_000_000n);
    expect(waited).toBeLessThan(1_000_000_000n);
  });

  it('async.epoll_pwait waits off the main thread and wakes on a write made by a timer', async () => {
    const ep = track(sys.epoll_create1());
    const [r, w] = track(sys.pipe2());
    sys.epoll_ctl(ep, sys.EPOLL_CTL_ADD, r, sys.EpollEvent.of({ events: sys.EPOLLIN, data: 99n }));
    const events = new sys.StructArray(sys.EpollEvent, 2);
    let timerRan = false;
    setTimeout(() => {
      timerRan = true;
      fs.writeSync(w, 'x');
    }, 20);
    const n = await sys.async.epoll_pwait(ep, events, undefined, 5000);
    expect(timerRan).toBe(true);
    expect(n).toBe(1);
    expect(events.at(0).data).toBe(99n);
  });
});

/** select's fd_set as the binding takes it: unsigned longs (fs/select.c), 32 bits on arm and ia32, 64 elsewhere. */
const WORD = ['arm', 'ia32'].includes(process.arch) ? 32 : 64;
function fdSet(n: number, ...fds: number[]): never {
  const words = Math.ceil(n / WORD);
  if (WORD === 64) {
    const a = new BigUint64Array(words);
    for (const fd of fds) a[fd >> 6]! |= 1n << BigInt(fd & 63);
    return a as never;
  }
  const a = new Uint32Array(words);
  for (const fd of fds) a[fd >> 5] = (a[fd >> 5]! | (1 << (fd & 31))) >>> 0;
  return a as never;
}
/** The descriptors whose bits are set. */
function members(set: BigUint64Array | Uint32Array): number[] {
  const out: number[] = [];
  set.forEach((word: bigint | number, i: number) => {
    for (let b = 0; b < WORD; b++) if ((BigInt(word) >> BigInt(b)) & 1n) out.push(i * WORD + b);
  });
  return out;
}

describe('select and pselect6', () => {
  const api = sys as unknown as Record<string, (...a: unknown[]) => number>;

  it('report the write end ready at once and the read end only after fs writes to it, clearing the bits of the rest', () => {
    const [r, w] = track(sys.pipe2());
    const n = Math.max(r, w) + 1;
    let rs = fdSet(n, r);
    let ws = fdSet(n, w);
    const xs = fdSet(n, r, w);
    expect(sys.pselect6(n, rs, ws, xs, sys.Timespec.of({}))).toBe(1);
    expect([members(rs), members(ws), members(xs)]).toEqual([[], [w], []]);
    fs.writeSync(w, 'ready');
    rs = fdSet(n, r);
    ws = fdSet(n, w);
    expect(sys.pselect6(n, rs, ws, null, sys.Timespec.of({}))).toBe(2);
    expect([members(rs), members(ws)]).toEqual([[r], [w]]);
    // select itself where the target has it (x64, s390x; _newselect exported as select on arm, ia32, ppc64,
    // mips64el); arm64 and riscv64 have only pselect6, and the package says so.
    if (['arm64', 'riscv64'].includes(process.arch)) expect(() => api.select!(n, null, null, null, null)).toThrow(/'select' does not exist on linux-/);
    else {
      const sets = [fdSet(n, r), fdSet(n, w)];
      expect(api.select!(n, sets[0], sets[1], null, sys.Timeval.of({}))).toBe(2);
      expect(sets.map(members)).toEqual([[r], [w]]);
    }
  });

  it('write the time left back (none after a timeout on an empty pipe)', () => {
    const [r] = track(sys.pipe2());
    const tsp = sys.Timespec.of({ tv_nsec: 10_000_000n });
    expect(sys.pselect6(r + 1, fdSet(r + 1, r), null, null, tsp)).toBe(0);
    expect(tsp.tv_sec * 1_000_000_000n + tsp.tv_nsec).toBe(0n);
  });

  it('refuse a set shorter than n bits before the call; n below 0 is the kernel\'s EINVAL', () => {
    const short = fdSet(WORD);
    expect(() => sys.pselect6(WORD + 1, short, null, null, sys.Timespec.of({}))).toThrow(/'inp' holds fewer than 'n' bits/);
    expect(() => sys.pselect6(WORD + 1, null, null, short, sys.Timespec.of({}))).toThrow(/'exp' holds fewer than 'n' bits/);
    expect(() => sys.pselect6(-1, null, null, null, sys.Timespec.of({}))).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: expect.stringMatching(/^pselect6(_time64)?$/) }));
    expect(() => sys.pselect6(1, new Uint8Array(8) as never)).toThrow(TypeError);
  });

  it('async.pselect6 resolves when a timer writes to the pipe', async () => {
    const [r, w] = track(sys.pipe2());
    let written = false;
    setTimeout(() => {
      fs.writeSync(w, 'late');
      written = true;
    }, 20);
    const rs = fdSet(r + 1, r);
    expect(await sys.async.pselect6(r + 1, rs, null, null, sys.Timespec.of({ tv_sec: 5n }))).toBe(1);
    expect(written).toBe(true);
    expect(members(rs)).toEqual([r]);
  });
});

describe('poll and ppoll', () => {
  it('poll: revents 0 on an empty pipe, POLLIN after a write, POLLOUT on the write end', () => {
    const [r, w] = track(sys.pipe2());
    const fds = sys.StructArray.from(sys.Pollfd, [
      { fd: r, events: sys.POLLIN },
      { fd: w, events: sys.POLLOUT },
    ]);
    expect(sys.poll(fds, 1, 0)).toBe(0);
    expect(fds.at(0).revents).toBe(0);
    fs.writeSync(w, 'ready');
    expect(sys.poll(fds, undefined, 0)).toBe(2);
    expect(fds.at(0).revents & sys.POLLIN).toBe(sys.POLLIN);
    expect(fds.at(1).revents & sys.POLLOUT).toBe(sys.POLLOUT);
  });

  it('poll reports POLLNVAL for a closed fd and POLLHUP after the writer closes', () => {
    const [r, w] = sys.pipe2();
    const [r2, w2] = track(sys.pipe2());
    sys.close(r);
    sys.close(w);
    sys.close(w2);
    const fds = sys.StructArray.from(sys.Pollfd, [
      { fd: r, events: sys.POLLIN },
      { fd: r2, events: sys.POLLIN },
    ]);
    expect(sys.poll(fds, undefined, 0)).toBe(2);
    expect(fds.at(0).revents & sys.POLLNVAL).toBe(sys.POLLNVAL);
    expect(fds.at(1).revents & sys.POLLHUP).toBe(sys.POLLHUP);
  });

  it('poll with a timeout waits about that long', () => {
    const [r] = track(sys.pipe2());
    const t0 = process.hrtime.bigint();
    expect(sys.poll(sys.StructArray.from(sys.Pollfd, [{ fd: r, events: sys.POLLIN }]), undefined, 25)).toBe(0);
    expect(process.hrtime.bigint() - t0).toBeGreaterThanOrEqual(24_000_000n);
  });

  it('ppoll: timeout as a Timespec (written back as the time left), readiness after a write', () => {
    const [r, w] = track(sys.pipe2());
    const fds = sys.StructArray.from(sys.Pollfd, [{ fd: r, events: sys.POLLIN }]);
    const t0 = process.hrtime.bigint();
    const tsp = sys.Timespec.of({ tv_nsec: 20_000_000n });
    expect(sys.ppoll(fds, undefined, tsp, null)).toBe(0);
    expect(process.hrtime.bigint() - t0).toBeGreaterThanOrEqual(19_000_000n);
    expect(tsp.tv_sec * 1_000_000_000n + tsp.tv_nsec).toBe(0n);
    fs.writeSync(w, 'x');
    const left = sys.Timespec.of({ tv_sec: 5n });
    expect(sys.ppoll(fds, undefined, left, new sys.Sigset())).toBe(1);
    expect(fds.at(0).revents & sys.POLLIN).toBe(sys.POLLIN);
    expect(left.tv_sec).toBeLessThanOrEqual(5n);
    expect(left.tv_sec * 1_000_000_000n + left.tv_nsec).toBeGreaterThan(4_000_000_000n);
  });

  it('async.poll resolves when a timer writes to the pipe', async () => {
    const [r, w] = track(sys.pipe2());
    const fds = sys.StructArray.from(sys.Pollfd, [{ fd: r, events: sys.POLLIN }]);
    // Causal, not timed: libuv's cached loop time can fire the timer early.
    let written = false;
    setTimeout(() => {
      fs.writeSync(w, 'late');
      written = true;
    }, 20);
    expect(await sys.async.poll(fds, undefined, 5000)).toBe(1);
    expect(written).toBe(true);
    expect(fds.at(0).revents & sys.POLLIN).toBe(sys.POLLIN);
  });

  it('async.ppoll resolves when a timer writes to the pipe, and times out with 0', async () => {
    const [r, w] = track(sys.pipe2());
    const fds = sys.StructArray.from(sys.Pollfd, [{ fd: r, events: sys.POLLIN }]);
    expect(await sys.async.ppoll(fds, undefined, sys.Timespec.of({ tv_nsec: 10_000_000n }))).toBe(0);
    setTimeout(() => fs.writeSync(w, 'late'), 20);
    expect(await sys.async.ppoll(fds, undefined, sys.Timespec.of({ tv_sec: 5n }))).toBe(1);
    expect(fds.at(0).revents & sys.POLLIN).toBe(sys.POLLIN);
  });
});
