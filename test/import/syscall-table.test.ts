/**
 * Tests the syscall table parsers on small inline snippets, and the importer on
 * the real kernel tarballs (6.1 and 6.12) against sources independent of it:
 *  (a) the host's /usr/include/x86_64-linux-gnu/asm/unistd_64.h (linux-x64);
 *  (b) libseccomp's `scmp_sys_resolver` for a sample of syscalls on every target;
 *  (c) the Debian cross headers /usr/<triple>/include/asm/unistd*.h, expanded by
 *      the target's cross gcc preprocessor;
 *  (d) the syscalls added between 6.1 and 6.12, numbered alike on every arch.
 * A missing tarball, tool or header skips its test with a message, except when CI=true.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ImportError } from '../../generator/errors.js';
import { importLinuxSyscalls, linuxImportPatterns } from '../../generator/import/linux/import-syscalls.js';
import { openKernelTree, type KernelTree } from '../../generator/import/linux/kernel-tree.js';
import { evalGenericUnistd, parseSyscallMakefile, parseTbl, selectSyscalls, type Syscall } from '../../generator/import/linux/syscall-table.js';
import { loadTargets, type Target } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';

const CI = process.env.CI === 'true';

function skipOrFail(ctx: TestContext, why: string): void {
  if (CI) throw new Error(why);
  console.log(`skipped: ${why}`);
  ctx.skip();
}

function importErrorOf(f: () => unknown): ImportError {
  try {
    f();
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('expected an ImportError');
}

describe('parseTbl / selectSyscalls', () => {
  const tbl = [
    '# comment line',
    '0\tcommon\tread\t\t\tsys_read',
    '1\t64\twrite\tsys_write\tcompat_sys_write   # trailing comment',
    '2\tx32\twrite\tcompat_sys_write',
    '',
    '3\tcommon\texit\tsys_exit\t-\tnoreturn',
    '4\tcommon\tafs_syscall',
    '5\tcommon\ttimerfd\t-\t-',
  ].join('\n');

  it('reads rows, entries, "-" and missing entry points', () => {
    const rows = parseTbl(tbl, 't.tbl');
    expect(rows.map((r) => [r.nr, r.abi, r.name, r.entry, r.line])).toEqual([
      [0, 'common', 'read', 'sys_read', 2],
      [1, '64', 'write', 'sys_write', 3],
      [2, 'x32', 'write', 'compat_sys_write', 4],
      [3, 'common', 'exit', 'sys_exit', 6],
      [4, 'common', 'afs_syscall', undefined, 7],
      [5, 'common', 'timerfd', undefined, 8],
    ]);
  });

  it('selects ABIs, adds the offset, keeps entry-less rows without entry', () => {
    const rows = parseTbl(tbl, 't.tbl');
    expect(selectSyscalls(rows, { abis: ['common', '64'], offset: 5000 })).toEqual([
      { name: 'read', nr: 5000, abi: 'common', entry: 'sys_read' },
      { name: 'write', nr: 5001, abi: '64', entry: 'sys_write' },
      { name: 'exit', nr: 5003, abi: 'common', entry: 'sys_exit' },
      { name: 'afs_syscall', nr: 5004, abi: 'common' },
      { name: 'timerfd', nr: 5005, abi: 'common' },
    ]);
  });

  it.each([
    ['x\tcommon\tread\tsys_read', /number 'x'/],
    ['1\tcommon', /expected <nr> <abi> <name>/],
    ['1\tcommon\tread\tsys_read\tcompat_read\tnoreturn\textra', /too many columns/],
    ['1\tcommon\tread\tsys_read\t-\tsometimes', /unknown flag 'sometimes'/],
    ['1\tcommon\tre-ad\tsys_read', /name 're-ad'/],
    ['1\tcom/mon\tread\tsys_read', /ABI 'com\/mon'/],
  ])('a malformed line is an ImportError with file and line: %s', (line, message) => {
    const e = importErrorOf(() => parseTbl(`0\tcommon\tok\tsys_ok\n# c\n${line}\n`, 'arch/x/syscall.tbl'));
    expect(e.place).toEqual({ file: 'arch/x/syscall.tbl', line: 3 });
    expect(e.message).toMatch(/^arch\/x\/syscall\.tbl:3: /);
    expect(e.message).toMatch(message);
  });

  it('an ABI outside the known ones is an ImportError at its line', () => {
    const rows = parseTbl('0\tcommon\tread\tsys_read\n1\tweird\twrite\tsys_write\n', 's.tbl');
    const e = importErrorOf(() => selectSyscalls(rows, { abis: ['common'], knownAbis: ['common', '32', '64'], offset: 0 }));
    expect(e.place).toEqual({ file: 's.tbl', line: 2 });
    expect(e.message).toMatch(/unknown ABI 'weird'/);
  });

  it('two selected rows with one number (or one name) are an ImportError', () => {
    const rows = parseTbl('4\ttime32\tio_getevents\tsys_io_getevents_time32\n4\t64\tio_getevents\tsys_io_getevents\n', 's.tbl');
    expect(selectSyscalls(rows, { abis: ['64'], offset: 0 })).toEqual([{ name: 'io_getevents', nr: 4, abi: '64', entry: 'sys_io_getevents' }]);
    const e = importErrorOf(() => selectSyscalls(rows, { abis: ['64', 'time32'], offset: 0 }));
    expect(e.place).toEqual({ file: 's.tbl', line: 2 });
    expect(e.message).toMatch(/collides with io_getevents/);
  });
});

describe('parseSyscallMakefile', () => {
  it('reads syscall_abis_32/64 and syscalltbl', () => {
    const mk = parseSyscallMakefile(
      '# SPDX\nsyscall_abis_32  += common,32\nsyscall_abis_64 += renameat rlimit memfd_secret\n\nsyscalltbl = arch/arm64/tools/syscall_%.tbl\n',
      'Makefile.syscalls',
    );
    expect(mk).toEqual({ abis: { '32': ['common', '32'], '64': ['renameat', 'rlimit', 'memfd_secret'] }, table: 'arch/arm64/tools/syscall_%.tbl' });
  });
});

describe('evalGenericUnistd', () => {
  const files: Record<string, string> = {
    'arch/toy/include/uapi/asm/unistd.h': [
      '#if defined(__LP64__) && !defined(__SYSCALL_COMPAT)',
      '#define __ARCH_WANT_SET_GET_RLIMIT',
      '#endif',
      '#define __ARCH_WANT_SYS_CLONE3',
      '#include <asm-generic/unistd.h>',
      '#include <asm/bitsperlong.h>',
      '#ifndef __NR_toy_flush',
      '#define __NR_toy_flush (__NR_arch_specific_syscall + 15)',
      '#endif',
      '__SYSCALL(__NR_toy_flush, sys_toy_flush)',
    ].join('\n'),
    'include/uapi/asm-generic/unistd.h': [
      '#ifndef __SYSCALL',
      '#define __SYSCALL(x, y)',
      '#endif',
      '#define __NR_io_setup 0',
      '__SC_COMP(__NR_io_setup, sys_io_setup, compat_sys_io_setup)',
      '#if defined(__ARCH_WANT_TIME32_SYSCALLS) || __BITS_PER_LONG != 32',
      '#define __NR_io_getevents 4',
      '__SC_3264(__NR_io_getevents, sys_io_getevents_time32, sys_io_getevents)',
      '#endif',
      '/* a comment',
      '   over lines */',
      '#define __NR3264_fcntl 25',
      '__SC_COMP_3264(__NR3264_fcntl, sys_fcntl64, sys_fcntl, \\',
      '\t  compat_sys_fcntl64)',
      '#ifdef __ARCH_WANT_RENAMEAT',
      '#define __NR_renameat 38',
      '__SYSCALL(__NR_renameat, sys_renameat)',
      '#endif',
      '#ifdef __ARCH_WANT_SET_GET_RLIMIT',
      '#define __NR_getrlimit 163',
      '__SC_COMP(__NR_getrlimit, sys_getrlimit, compat_sys_getrlimit)',
      '#endif',
      '#define __NR_arch_specific_syscall 244',
      '#ifdef __ARCH_WANT_SYS_CLONE3',
      '#define __NR_clone3 435',
      '__SYSCALL(__NR_clone3, sys_clone3)',
      '#else',
      '#define __NR_clone_other 435',
      '__SYSCALL(__NR_clone_other, sys_clone_other)',
      '#endif',
      '#if __BITS_PER_LONG == 64 && !defined(__SYSCALL_COMPAT)',
      '#define __NR_fcntl __NR3264_fcntl',
      '#else',
      '#define __NR_fcntl64 __NR3264_fcntl',
      '#endif',
    ].join('\n'),
  };
  const read = (f: string): string => {
    const t = files[f];
    if (t === undefined) throw new Error(`unexpected read of ${f}`);
    return t;
  };

  it('evaluates the conditionals and macros for a 64-bit target, labelling rows like scripts/syscall.tbl', () => {
    const rows = evalGenericUnistd({ root: 'arch/toy/include/uapi/asm/unistd.h', read, bits: 64, lp64: true, archAbi: 'toy' });
    expect(rows.map((r) => [r.nr, r.abi, r.name, r.entry])).toEqual([
      [0, 'common', 'io_setup', 'sys_io_setup'],
      [4, '64', 'io_getevents', 'sys_io_getevents'],
      [25, '64', 'fcntl', 'sys_fcntl'],
      [163, 'rlimit', 'getrlimit', 'sys_getrlimit'],
      [435, 'common', 'clone3', 'sys_clone3'],
      [259, 'toy', 'toy_flush', 'sys_toy_flush'],
    ]);
    expect(rows[2]!.line).toBe(13);
  });

  it('a 32-bit non-LP64 target takes the other branches', () => {
    const rows = evalGenericUnistd({ root: 'arch/toy/include/uapi/asm/unistd.h', read, bits: 32, lp64: false, archAbi: 'toy' });
    expect(rows.map((r) => [r.nr, r.name, r.entry])).toEqual([
      [0, 'io_setup', 'sys_io_setup'],
      [25, 'fcntl64', 'sys_fcntl64'],
      [435, 'clone3', 'sys_clone3'],
      [259, 'toy_flush', 'sys_toy_flush'],
    ]);
  });

  it('rows whose ABI the target does not list are an ImportError at their line', () => {
    const rows = evalGenericUnistd({ root: 'arch/toy/include/uapi/asm/unistd.h', read, bits: 64, lp64: true, archAbi: 'toy' });
    const e = importErrorOf(() => selectSyscalls(rows, { abis: ['common', '64', 'toy'], knownAbis: ['common', '64', 'toy'], offset: 0 }));
    expect(e.place).toEqual({ file: 'include/uapi/asm-generic/unistd.h', line: 21 });
    expect(e.message).toMatch(/unknown ABI 'rlimit'/);
  });

  it('a malformed syscall macro or #if is an ImportError with file and line', () => {
    const evalText = (text: string): ImportError =>
      importErrorOf(() => evalGenericUnistd({ root: 'include/uapi/asm-generic/unistd.h', read: () => text, bits: 64, lp64: true, archAbi: 'toy' }));
    expect(evalText('#define __NR_x 1\n#if 1 +\n#endif\n').place).toEqual({ file: 'include/uapi/asm-generic/unistd.h', line: 2 });
    const e = evalText('#define __NR_x 1\n\n__SYSCALL(__NR_x)\n');
    expect(e.place).toEqual({ file: 'include/uapi/asm-generic/unistd.h', line: 3 });
    expect(e.message).toMatch(/malformed __SYSCALL\(__NR_x\)/);
  });
});

// ---------------------------------------------------------------------------
// Real kernels

const CACHE = join(ROOT, 'node_modules', '.cache', 'sysbind-kernel');
const KERNELS = { '6.1': '/usr/src/linux-source-6.1.tar.xz', '6.12': '/usr/src/linux-source-6.12.tar.xz' } as const;
type Version = keyof typeof KERNELS;

const matrix = loadTargets(join(ROOT, 'specs'));
const linux = matrix.targets.filter((t) => t.platform === 'linux');

interface Imported {
  version: string;
  tables: Map<string, Syscall[]>;
  byName(target: string): Map<string, number>;
}

const imported = new Map<Version, Imported>();
const trees: KernelTree[] = [];
const scratch: string[] = [];

beforeAll(async () => {
  for (const [v, tarball] of Object.entries(KERNELS) as [Version, string][]) {
    if (!existsSync(tarball)) continue;
    // The same patterns as test/import/prototypes.test.ts, so both share one cached extraction.
    const tree = await openKernelTree(tarball, [...linuxImportPatterns(linux), 'include/*.h', 'arch/*/include/*.h'], { cacheDir: CACHE });
    trees.push(tree);
    const specs = mkdtempSync(join(tmpdir(), 'sysbind-syscalls-'));
    scratch.push(specs);
    cpSync(join(ROOT, 'specs', 'targets.yaml'), join(specs, 'targets.yaml'));
    const result = await importLinuxSyscalls({ kernelSrc: tree.root, specsDir: specs });
    const tables = new Map<string, Syscall[]>();
    for (const t of linux) {
      tables.set(t.name, (JSON.parse(readFileSync(join(specs, 'linux', 'syscalls', `${t.name}.json`), 'utf8')) as { syscalls: Syscall[] }).syscalls);
    }
    imported.set(v, {
      version: result.kernel,
      tables,
      byName: (target) => new Map(tables.get(target)!.map((s) => [s.name, s.nr])),
    });
  }
});

afterAll(() => {
  for (const t of trees) t.close();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

function kernel(ctx: TestContext, v: Version): Imported {
  const k = imported.get(v);
  if (!k) {
    skipOrFail(ctx, `${KERNELS[v]} is not installed`);
    throw new Error('unreachable');
  }
  return k;
}

describe.each(Object.keys(KERNELS) as Version[])('kernel %s', (v) => {
  it('imports every linux target with sorted, unique numbers', (ctx) => {
    const k = kernel(ctx, v);
    expect(k.version.startsWith(`${v}.`)).toBe(true);
    for (const t of linux) {
      const rows = k.tables.get(t.name)!;
      expect(rows.length, t.name).toBeGreaterThan(250);
      const nrs = rows.map((r) => r.nr);
      expect(nrs, t.name).toEqual([...nrs].sort((a, b) => a - b));
      expect(new Set(nrs).size, t.name).toBe(nrs.length);
      expect(new Set(rows.map((r) => r.name)).size, t.name).toBe(rows.length);
    }
    expect(k.byName('linux-mips64el').get('read')).toBe(5000);
  });

  it('(a) linux-x64 agrees with the host header asm/unistd_64.h', (ctx) => {
    const k = kernel(ctx, v);
    const header = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';
    if (!existsSync(header)) return skipOrFail(ctx, `${header} is missing`);
    const host = new Map([...readFileSync(header, 'utf8').matchAll(/^#define __NR_(\w+)\s+(\d+)\s*$/gm)].map((m) => [m[1]!, Number(m[2])]));
    expect(host.size).toBeGreaterThan(300);
    const ours = k.byName('linux-x64');
    for (const [name, nr] of host) expect(ours.get(name), name).toBe(nr);
    const hostVersion = /LINUX_VERSION_PATCHLEVEL (\d+)/.exec(readFileSync('/usr/include/linux/version.h', 'utf8'))?.[1];
    // The header comes from the same major version: then the sets are equal, not just included.
    if (hostVersion && `6.${hostVersion}` === v) expect([...ours.keys()].sort()).toEqual([...host.keys()].sort());
  });

  it('(b) every target agrees with libseccomp (scmp_sys_resolver) on a sample of syscalls', (ctx) => {
    const k = kernel(ctx, v);
    if (spawnSync('scmp_sys_resolver', ['-a', 'x86_64', 'read']).status !== 0) return skipOrFail(ctx, 'scmp_sys_resolver (package seccomp) is missing');
    let checked = 0;
    for (const t of linux) {
      const arch = SECCOMP_ARCH[t.name];
      if (!arch) throw new Error(`no libseccomp arch for ${t.name}`);
      const ours = k.byName(t.name);
      for (const name of SAMPLE) {
        const r = spawnSync('scmp_sys_resolver', ['-a', arch, name], { encoding: 'utf8' });
        const nr = Number(r.stdout.trim());
        if (r.status !== 0 || !Number.isInteger(nr)) throw new Error(`scmp_sys_resolver -a ${arch} ${name}: ${r.stdout}${r.stderr}`);
        // ARM's private calls (__ARM_NR_cacheflush = 0x0f0002, …) are dispatched outside arch/arm/tools/syscall.tbl.
        if (t.kernelArch === 'arm' && nr >= 0x0f0000) expect(ours.has(name), `${t.name} ${name}`).toBe(false);
        // libseccomp 2.5.4 knows some syscalls newer than 6.1 (those 6.12 has and 6.1 lacks).
        else if (nr >= 0 && !(v === '6.1' && !ours.has(name) && imported.get('6.12')?.byName(t.name).has(name))) {
          expect(ours.get(name), `${t.name} ${name}`).toBe(nr);
        }
        // libseccomp's pseudo numbers (<= -10000) mean "no such syscall on this arch"; -1: unknown to this libseccomp.
        else if (nr <= -10000) expect(ours.has(name), `${t.name} ${name} (libseccomp: not on ${arch})`).toBe(false);
        if (nr >= 0 || nr <= -10000) checked++;
      }
    }
    expect(checked).toBeGreaterThan(linux.length * 40);
  });

  it.for(linux.map((t) => [t.name, t] as const))('(c) %s agrees with the Debian cross header asm/unistd.h', ([, t], ctx) => {
    const k = kernel(ctx, v);
    const header = crossHeaderNumbers(ctx, t);
    if (!header) return;
    expect(header.size).toBeGreaterThan(250);
    const ours = k.byName(t.name);
    for (const [name, nr] of header) expect(ours.get(name), `${t.name} ${name}`).toBe(nr);
  });
});

/** Syscalls added to every arch between 6.1 and 6.12. */
const ADDED = [
  'cachestat', 'fchmodat2', 'map_shadow_stack', 'futex_wake', 'futex_wait', 'futex_requeue',
  'statmount', 'listmount', 'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', 'mseal',
];

describe('6.1 → 6.12', () => {
  it('(d) adds the new syscalls, with one number on every arch', (ctx) => {
    const old = kernel(ctx, '6.1');
    const now = kernel(ctx, '6.12');
    for (const t of linux) {
      const before = old.byName(t.name);
      const after = now.byName(t.name);
      for (const name of ADDED) expect(before.has(name), `${t.name} ${name} in 6.1`).toBe(false);
      const gained = [...after.keys()].filter((n) => !before.has(n));
      // Besides the common ones: riscv_hwprobe (6.4) on riscv, memfd_secret (6.4) on s390, uretprobe (6.11) on x86-64.
      const own = ({ 'linux-riscv64': ['riscv_hwprobe'], 'linux-s390x': ['memfd_secret'], 'linux-x64': ['uretprobe'] } as Record<string, string[]>)[t.name] ?? [];
      expect(gained.sort(), t.name).toEqual([...ADDED, ...own].sort());
      for (const name of ADDED) {
        const generic = now.byName('linux-arm64').get(name) ?? now.byName('linux-x64').get(name)!;
        expect(after.get(name)! - (t.syscallOffset ?? 0), `${t.name} ${name}`).toBe(generic);
      }
    }
    expect(now.byName('linux-arm64').get('cachestat')).toBe(451);
    expect(now.byName('linux-riscv64').get('mseal')).toBe(462);
  });

  it('keeps every 6.1 syscall number', (ctx) => {
    const old = kernel(ctx, '6.1');
    const now = kernel(ctx, '6.12');
    for (const t of linux) {
      const after = now.byName(t.name);
      for (const [name, nr] of old.byName(t.name)) expect(after.get(name), `${t.name} ${name}`).toBe(nr);
    }
  });
});

/** libseccomp's name for each target's ABI (scmp_sys_resolver -a). */
const SECCOMP_ARCH: Record<string, string> = {
  'linux-x64': 'x86_64',
  'linux-ia32': 'x86',
  'linux-arm': 'arm',
  'linux-arm64': 'aarch64',
  'linux-ppc64': 'ppc64le',
  'linux-s390x': 's390x',
  'linux-mips64el': 'mipsel64',
  'linux-riscv64': 'riscv64',
};

/** Syscalls checked against libseccomp: common ones, arch-specific ones, old and new ones. */
const SAMPLE = [
  'read', 'write', 'open', 'openat', 'close', 'stat', 'fstat', 'newfstatat', 'lseek', 'mmap', 'mmap2', 'munmap', 'brk',
  'rt_sigaction', 'rt_sigreturn', 'sigreturn', 'ioctl', 'pread64', 'pwrite64', 'pipe', 'pipe2', 'select', '_newselect',
  'dup2', 'dup3', 'socket', 'socketcall', 'connect', 'accept4', 'sendto', 'recvfrom', 'clone', 'clone3', 'fork', 'vfork',
  'execve', 'execveat', 'exit_group', 'wait4', 'waitid', 'kill', 'uname', 'fcntl', 'fcntl64', 'getdents64', 'rename',
  'renameat', 'renameat2', 'chown', 'lchown', 'chown32', 'getuid', 'getuid32', 'getrlimit', 'ugetrlimit', 'prlimit64',
  'futex', 'futex_time64', 'epoll_create1', 'epoll_pwait2', 'timerfd_settime', 'clock_gettime64', 'fadvise64',
  'fadvise64_64', 'arm_fadvise64_64', 'sync_file_range', 'sync_file_range2', 'arm_sync_file_range', 'ipc', 'semop',
  'arch_prctl', 'set_thread_area', 'riscv_flush_icache', 's390_guarded_storage', 'cacheflush', 'sysmips', 'memfd_secret',
  'io_uring_setup', 'pidfd_open', 'openat2', 'faccessat2', 'landlock_create_ruleset', 'process_mrelease', 'futex_waitv',
  'set_mempolicy_home_node', 'cachestat',
];

/**
 * `__NR_*` numbers from the Debian cross headers, expanded by the target's own
 * preprocessor (so <asm/unistd.h> picks the right sub-header); undefined when
 * the header or compiler is not installed (a skip, or a failure in CI).
 */
function crossHeaderNumbers(ctx: TestContext, t: Target): Map<string, number> | undefined {
  const native = t.triple === 'x86_64-linux-gnu';
  const gcc = native ? 'gcc' : `${t.triple}-gcc`;
  const header = native ? '/usr/include/x86_64-linux-gnu/asm/unistd.h' : `/usr/${t.triple}/include/asm/unistd.h`;
  if (!existsSync(header)) return void skipOrFail(ctx, `${header} is missing (apt-get install linux-libc-dev-${t.uapiArch}-cross)`);
  if (spawnSync(gcc, ['--version']).status !== 0) return void skipOrFail(ctx, `${gcc} is missing`);
  const cpp = (input: string, args: string[]): string => {
    const r = spawnSync(gcc, ['-E', ...args, '-x', 'c', '-'], { input, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${gcc} -E failed: ${r.stderr}`);
    return r.stdout;
  };
  const notSyscalls = new Set(['syscalls', 'arch_specific_syscall', 'Linux', 'Linux_syscalls', 'SYSCALL_BASE', 'OABI_SYSCALL_BASE', 'SYSCALL_MASK']);
  // Aliases (`#define __NR_sync_file_range2 __NR_arm_sync_file_range`) name no row of their own.
  const names = [...cpp('#include <asm/unistd.h>\n', ['-dM']).matchAll(/^#define __NR_(\w+)\s+(.*)$/gm)]
    .filter((m) => !notSyscalls.has(m[1]!) && !/^__NR_\w+$/.test(m[2]!.trim()))
    .map((m) => m[1]!);
  const expanded = cpp(`#include <asm/unistd.h>\n${names.map((n) => `@${n} __NR_${n}`).join('\n')}\n`, ['-P']);
  const out = new Map<string, number>();
  for (const m of expanded.matchAll(/^@(\w+) (.*)$/gm)) {
    const expr = m[2]!.trim();
    if (!/^[\d\s()+]+$/.test(expr)) throw new Error(`${t.name}: __NR_${m[1]} expands to '${expr}'`);
    out.set(m[1]!, expr.match(/\d+/g)!.map(Number).reduce((a, b) => a + b, 0));
  }
  return out;
}
