/**
 * Process identity, limits, usage, uname and scheduling, each compared with
 * Node's process/os, /proc, or a shell command.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { exited, procFields, procStat, runChild, sh, spawned } from './helpers.js';

describe('process ids', () => {
  it('getpid is process.pid', () => {
    expect(sys.getpid()).toBe(process.pid);
  });

  it('getppid is process.ppid, and in a child it is our pid', () => {
    expect(sys.getppid()).toBe(process.ppid);
    expect(sys.getppid()).toBe(Number(procStat('self')[1]));
    const child = runChild('ids');
    expect(child.ppid).toBe(process.pid);
  });

  it('gettid is listed in /proc/self/task, and on the main thread equals the pid', () => {
    const tid = sys.gettid();
    expect(fs.readdirSync('/proc/self/task')).toContain(String(tid));
    expect(tid).toBe(process.pid);
    expect(procFields(`/proc/self/task/${tid}/status`).get('Pid')).toBe(String(tid));
  });

  it('getgroups fills a Uint32Array with the Groups of /proc/self/status; setgroups of the same list keeps it (EPERM without CAP_SETGID)', () => {
    const n = sys.getgroups(0, null); // count only
    const groups = new Uint32Array(n);
    expect(sys.getgroups(undefined, groups)).toBe(n);
    // process.getgroups() adds the effective gid when the list lacks it.
    expect(process.getgroups!()).toEqual(expect.arrayContaining([...groups]));
    expect(procFields('/proc/self/status').get('Groups')!.split(/\s+/).filter(Boolean).map(Number).sort()).toEqual([...groups].sort());
    expect(() => sys.getgroups(n + 1, groups)).toThrow(RangeError); // more than the array holds: refused before the kernel
    const capEff = BigInt(`0x${procFields('/proc/self/status').get('CapEff')}`);
    const canSetgid = ((capEff >> 6n) & 1n) === 1n;
    if (canSetgid) expect(sys.setgroups(undefined, groups)).toBe(0);
    else expect(() => sys.setgroups(undefined, groups)).toThrow(expect.objectContaining({ code: 'EPERM' }));
    expect(procFields('/proc/self/status').get('Groups')!.split(/\s+/).filter(Boolean).map(Number).sort()).toEqual([...groups].sort());
  });

  it('getuid/geteuid/getgid/getegid match process.* and /proc/self/status', () => {
    expect(sys.getuid()).toBe(process.getuid!());
    expect(sys.geteuid()).toBe(process.geteuid!());
    expect(sys.getgid()).toBe(process.getgid!());
    expect(sys.getegid()).toBe(process.getegid!());
    const status = procFields('/proc/self/status');
    const [ruid, euid] = status.get('Uid')!.split(/\s+/).map(Number);
    const [rgid, egid] = status.get('Gid')!.split(/\s+/).map(Number);
    expect([sys.getuid(), sys.geteuid(), sys.getgid(), sys.getegid()]).toEqual([ruid, euid, rgid, egid]);
    expect(sys.getuid()).toBe(Number(sh('id -u')));
    expect(sys.getgid()).toBe(Number(sh('id -g')));
  });
});

describe('process groups and sessions', () => {
  it('getpgid(0) and getpgid(pid) are the pgrp in /proc/self/stat', () => {
    const pgrp = Number(procStat('self')[2]);
    expect(sys.getpgid(0)).toBe(pgrp);
    expect(sys.getpgid(process.pid)).toBe(pgrp);
  });

  it('getpgid of a detached child (its own group, made by Node) is the child pid', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    await spawned(child);
    try {
      expect(sys.getpgid(child.pid!)).toBe(child.pid);
      expect(sys.getpgid(child.pid!)).toBe(Number(procStat(child.pid!)[2]));
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  });

  it('getpgid of a pid that does not exist fails with ESRCH', () => {
    const maxPid = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    expect(() => sys.getpgid(maxPid + 1)).toThrow(expect.objectContaining({ code: 'ESRCH', syscall: 'getpgid' }));
  });

  it('setsid in a child: returns the new session id = its pid, /proc agrees, a second call is EPERM', () => {
    const out = runChild('setsid');
    expect(out.sid).toBe(out.pid);
    expect(out.statSessionAfter).toBe(out.pid);
    expect(out.statPgrpAfter).toBe(out.pid);
    expect(out.pgidAfter).toBe(out.pid);
    expect(out.statSessionBefore).not.toBe(out.pid);
    expect(out.pgidBefore).toBe(out.statPgrpBefore);
    expect(out.again).toBe('EPERM');
  });
});

describe('resource limits', () => {
  const ulimit = (flag: string) => {
    const v = sh(`ulimit ${flag}`);
    return v === 'unlimited' ? 2n ** 64n - 1n : BigInt(v);
  };

  it('getrlimit(RLIMIT_NOFILE) is what `ulimit -n` / `ulimit -Hn` print', () => {
    const r = sys.getrlimit(sys.RLIMIT_NOFILE);
    expect(r.rlim_cur).toBe(ulimit('-n'));
    expect(r.rlim_max).toBe(ulimit('-Hn'));
  });

  it('getrlimit(RLIMIT_STACK) is `ulimit -s` KiB (or unlimited)', () => {
    const r = sys.getrlimit(sys.RLIMIT_STACK);
    const s = sh('ulimit -s');
    expect(s === 'unlimited' ? r.rlim_cur === 2n ** 64n - 1n : r.rlim_cur === BigInt(s) * 1024n).toBe(true);
  });

  it('prlimit64 reading our own limits agrees with getrlimit and /proc/self/limits', () => {
    const old = new sys.Rlimit64();
    sys.unsafe_prlimit64(0, sys.RLIMIT_NOFILE, null, old);
    const r = sys.getrlimit(sys.RLIMIT_NOFILE);
    expect([old.rlim_cur, old.rlim_max]).toEqual([r.rlim_cur, r.rlim_max]);
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))!;
    const [soft, hard] = line.slice('Max open files'.length).trim().split(/\s+/);
    expect([old.rlim_cur, old.rlim_max]).toEqual([BigInt(soft!), BigInt(hard!)]);
  });

  it('prlimit64 sets another process’s limit (seen in /proc/<pid>/limits) and returns the old one', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await spawned(child);
    try {
      const pid = child.pid!;
      const limitsLine = () =>
        fs.readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'))!.slice('Max open files'.length).trim().split(/\s+/);
      const [soft0, hard0] = limitsLine();
      const old = new sys.Rlimit64();
      sys.unsafe_prlimit64(pid, sys.RLIMIT_NOFILE, sys.Rlimit64.of({ rlim_cur: 123n, rlim_max: 456n }), old);
      expect([old.rlim_cur, old.rlim_max]).toEqual([BigInt(soft0!), BigInt(hard0!)]);
      expect(limitsLine().slice(0, 2)).toEqual(['123', '456']);
      // soft > hard is refused
      expect(() => sys.unsafe_prlimit64(pid, sys.RLIMIT_NOFILE, sys.Rlimit64.of({ rlim_cur: 500n, rlim_max: 400n }))).toThrow(
        expect.objectContaining({ code: 'EINVAL', syscall: 'prlimit64' }),
      );
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
  });
});

describe('getrusage', () => {
  it('RUSAGE_SELF agrees with process.resourceUsage()/cpuUsage()', () => {
    let x = 0;
    for (let i = 0; i < 2e6; i++) x += i % 7; // some user CPU time
    expect(x).toBeGreaterThan(0);
    const before = process.cpuUsage();
    const ru = sys.getrusage(sys.RUSAGE_SELF);
    const after = process.cpuUsage();
    const usage = process.resourceUsage();
    const utime = Number(ru.ru_utime.tv_sec) * 1e6 + Number(ru.ru_utime.tv_usec);
    const stime = Number(ru.ru_stime.tv_sec) * 1e6 + Number(ru.ru_stime.tv_usec);
    expect(ru.ru_utime.tv_usec).toBeLessThan(1_000_000n);
    expect(utime).toBeGreaterThanOrEqual(before.user - 10_000);
    expect(utime).toBeLessThanOrEqual(after.user + 10_000);
    expect(stime).toBeGreaterThanOrEqual(before.system - 10_000);
    expect(stime).toBeLessThanOrEqual(after.system + 10_000);
    // maxRSS is in KiB in both; it only grows, so the later reading is >= ours, and close.
    const maxrss = Number(ru.ru_maxrss);
    expect(maxrss).toBeGreaterThan(1024);
    expect(usage.maxRSS).toBeGreaterThanOrEqual(maxrss);
    expect(usage.maxRSS).toBeLessThan(maxrss * 2);
    expect(Number(ru.ru_minflt)).toBeGreaterThan(0);
    expect(Number(ru.ru_minflt)).toBeLessThanOrEqual(usage.minorPageFault);
    expect(Number(ru.ru_nvcsw)).toBeLessThanOrEqual(usage.voluntaryContextSwitches);
  });

  it('RUSAGE_CHILDREN counts a waited-for child that burned CPU', () => {
    const before = sys.getrusage(sys.RUSAGE_CHILDREN);
    sh('i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done');
    const after = sys.getrusage(sys.RUSAGE_CHILDREN);
    const us = (r: sys.Rusage) => Number(r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e6 + Number(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
    expect(us(after)).toBeGreaterThan(us(before));
  });

  it('an invalid who fails with EINVAL', () => {
    expect(() => sys.getrusage(12345)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'getrusage' }));
  });
});

describe('uname', () => {
  it('matches os.type/release/version/hostname/machine and `uname`', () => {
    const u = sys.uname();
    expect(u.sysname).toBe(os.type());
    expect(u.release).toBe(os.release());
    expect(u.version).toBe(os.version());
    expect(u.nodename).toBe(os.hostname());
    expect(u.machine).toBe(os.machine());
    expect(u.release).toBe(sh('uname -r'));
    expect(u.domainname).toBe(fs.readFileSync('/proc/sys/kernel/domainname', 'utf8').trim());
  });
});

describe('sched_getaffinity and sched_yield', () => {
  /** CPUs in a list like "0-3,6". */
  const cpuList = (s: string) =>
    s.split(',').flatMap((part) => {
      const [a, b] = part.split('-').map(Number);
      return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
    });

  it('the mask has exactly the CPUs of Cpus_allowed_list, `nproc` and os.availableParallelism()', () => {
    const mask = new Uint8Array(128);
    const r = sys.sched_getaffinity(0, undefined, mask);
    expect(r).toBeGreaterThan(0);
    expect(r % 8).toBe(0); // the kernel copies whole longs
    const cpus: number[] = [];
    for (let i = 0; i < r * 8; i++) if (mask[i >> 3]! & (1 << (i & 7))) cpus.push(i);
    expect(cpus).toEqual(cpuList(procFields('/proc/self/status').get('Cpus_allowed_list')!));
    expect(cpus.length).toBe(Number(sh('nproc')));
    expect(cpus.length).toBe(os.availableParallelism());
  });

  it('a mask too small for the kernel’s cpumask fails with EINVAL', () => {
    expect(() => sys.sched_getaffinity(0, 1, new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });

  it('sched_yield returns and lets time pass; the thread is still runnable (/proc state)', () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) expect(sys.sched_yield()).toBeUndefined();
    expect(process.hrtime.bigint()).toBeGreaterThan(t0);
    expect(['R', 'S']).toContain(procStat('self')[0]);
  });
});

describe('sched_setaffinity and getcpu', () => {
  /** The calling thread's (the JS thread's) allowed CPUs, as /proc says. */
  const allowed = () => procFields(`/proc/self/task/${process.pid}/status`).get('Cpus_allowed_list')!;
  // A cpumask is an array of unsigned longs (bit i of the mask is bit i % W of word i / W, in the target's byte order).
  const wide = !['arm', 'ia32'].includes(process.arch);
  const newMask = () => (wide ? new BigUint64Array(16) : new Uint32Array(32));
  const W = wide ? 64 : 32;
  const cpusOf = (m: BigUint64Array | Uint32Array) => {
    const cpus: number[] = [];
    for (let i = 0; i < m.length * W; i++) if ((BigInt(m[Math.floor(i / W)]!) >> BigInt(i % W)) & 1n) cpus.push(i);
    return cpus;
  };
  const maskOf = (cpus: number[]) => {
    const m = newMask();
    for (const c of cpus) {
      if (m instanceof BigUint64Array) m[Math.floor(c / W)]! |= 1n << BigInt(c % W);
      else m[Math.floor(c / W)]! |= 1 << c % W;
    }
    return m;
  };

  it('pinning the thread to one CPU shows in Cpus_allowed_list, and getcpu then reports that CPU and its node (sysfs)', () => {
    const saved = newMask();
    const n = sys.sched_getaffinity(0, undefined, saved);
    const before = allowed();
    const cpu = cpusOf(saved).at(-1)!;
    try {
      expect(sys.sched_setaffinity(0, undefined, maskOf([cpu]))).toBeUndefined();
      expect(allowed()).toBe(String(cpu));
      const got = new Uint32Array(1);
      const node = new Uint32Array(1).fill(0xffffffff);
      sys.getcpu(got, node);
      expect(got[0]).toBe(cpu);
      // The node directory sysfs lists under the CPU (none on a machine without NUMA: node 0).
      const dir = `/sys/devices/system/cpu/cpu${cpu}`;
      const link = fs.existsSync(dir) ? fs.readdirSync(dir).find((e) => /^node\d+$/.test(e)) : undefined;
      expect(node[0]).toBe(link ? Number(link.slice(4)) : 0);
      sys.getcpu(null, null); // both optional
    } finally {
      sys.sched_setaffinity(0, n, saved);
    }
    expect(allowed()).toBe(before);
  });

  it('a mask with no CPU the system has is EINVAL, and the mask is unchanged', () => {
    const before = allowed();
    expect(() => sys.sched_setaffinity(0, undefined, newMask())).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(allowed()).toBe(before);
  });

  it('getcpu refuses a cell of the wrong type by name', () => {
    expect(() => sys.getcpu(new Int8Array(1) as unknown as Uint32Array)).toThrow(/getcpu\(\): argument 'cpup'/);
  });
});

describe('get_robust_list', () => {
  // The C library registers a robust futex list for every thread it starts, the main thread included.
  const wide = sys.RobustListHead.size === 24;
  const cells = () => (wide ? [new BigUint64Array(1), new BigUint64Array(1)] : [new Uint32Array(1), new Uint32Array(1)]);

  it("reads the calling thread's and a child's registered list: a non-zero head of sizeof(struct robust_list_head)", async () => {
    const [head, len] = cells() as [BigUint64Array, BigUint64Array];
    sys.get_robust_list(0, head, len);
    expect(BigInt(head[0]!)).not.toBe(0n);
    expect(Number(len[0])).toBe(sys.RobustListHead.size);
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await spawned(child);
    try {
      const [h2, l2] = cells() as [BigUint64Array, BigUint64Array];
      sys.get_robust_list(child.pid!, h2, l2);
      expect(Number(l2[0])).toBe(sys.RobustListHead.size);
    } finally {
      child.kill();
    }
  });

  it('a pid that does not exist is ESRCH', () => {
    const [head, len] = cells() as [BigUint64Array, BigUint64Array];
    expect(() => sys.get_robust_list(0x3ffffff0, head, len)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });
});

describe('capget', () => {
  const VERSION_3 = 0x20080522;
  /** A 64-bit capability set from /proc's hex. */
  const procCaps = (field: string) => BigInt(`0x${procFields('/proc/self/status').get(field)}`);

  it('the effective, permitted and inheritable sets are CapEff, CapPrm and CapInh of /proc/self/status', () => {
    const header = sys.UserCapHeaderStruct.of({ version: VERSION_3, pid: 0 });
    const data = new sys.StructArray(sys.UserCapDataStruct, 2);
    sys.capget(header, data);
    const set = (k: 'effective' | 'permitted' | 'inheritable') => BigInt(data.at(0)[k]) | (BigInt(data.at(1)[k]) << 32n);
    expect(set('effective')).toBe(procCaps('CapEff'));
    expect(set('permitted')).toBe(procCaps('CapPrm'));
    expect(set('inheritable')).toBe(procCaps('CapInh'));
  });

  it("with an unknown version and no data, the kernel writes its preferred version into the header", () => {
    const header = sys.UserCapHeaderStruct.of({ version: 0, pid: 0 });
    sys.capget(header, null);
    expect(header.version).toBe(VERSION_3);
  });

  it('a data array of one element is refused before the call (the kernel writes two)', () => {
    const header = sys.UserCapHeaderStruct.of({ version: VERSION_3, pid: 0 });
    expect(() => sys.capget(header, new sys.StructArray(sys.UserCapDataStruct, 1))).toThrow(/capget\(\): argument 'dataptr'/);
  });
});

describe('capset', () => {
  const VERSION_3 = 0x20080522;
  const current = () => {
    const data = new sys.StructArray(sys.UserCapDataStruct, 2);
    sys.capget(sys.UserCapHeaderStruct.of({ version: VERSION_3, pid: 0 }), data);
    return data;
  };
  const procCaps = (field: string) => procFields(`/proc/self/task/${process.pid}/status`).get(field);

  it('setting the sets the thread already has succeeds and leaves CapEff, CapPrm, CapInh as they were', () => {
    const before = ['CapEff', 'CapPrm', 'CapInh'].map(procCaps);
    expect(sys.capset(sys.UserCapHeaderStruct.of({ version: VERSION_3, pid: 0 }), current())).toBeUndefined();
    expect(['CapEff', 'CapPrm', 'CapInh'].map(procCaps)).toEqual(before);
  });

  it("another process's sets are EPERM (a thread sets only its own), and nothing changes", async () => {
    const before = procCaps('CapEff');
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await spawned(child);
    try {
      const header = sys.UserCapHeaderStruct.of({ version: VERSION_3, pid: child.pid! });
      expect(() => sys.capset(header, current())).toThrow(expect.objectContaining({ code: 'EPERM' }));
    } finally {
      child.kill();
    }
    expect(procCaps('CapEff')).toBe(before);
  });

  it('a data array of one element is refused before the call', () => {
    expect(() => sys.capset(sys.UserCapHeaderStruct.of({ version: VERSION_3, pid: 0 }), new sys.StructArray(sys.UserCapDataStruct, 1))).toThrow(/capset\(\): argument 'data'/);
  });
});
