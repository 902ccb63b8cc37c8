/**
 * Tests the prototype reader on small inline snippets, and the whole Linux
 * syscall import on the real kernel tarballs (6.1 and 6.12): every entry point
 * the eight tables name gets a prototype, well-known prototypes match the
 * documented ABI (clone(2)'s per-arch argument orders, i386's split 64-bit
 * offsets), specs/linux/kernel-typedefs.yaml covers every typedef used and
 * names headers that define them, and a re-import is byte-identical while a
 * failed one writes nothing. A missing tarball skips, except when CI=true.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { ImportError } from '../../generator/errors.js';
import { importLinuxSyscalls, linuxImportPatterns, typedefName, type ImportLinuxResult } from '../../generator/import/linux/import-syscalls.js';
import { openKernelTree, type KernelTree } from '../../generator/import/linux/kernel-tree.js';
import { normaliseType, parseCPrototypes, parseParam, parseTrampolines, PrototypeIndex, type Param } from '../../generator/import/linux/prototypes.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { ROOT, treeHashes } from '../helpers/root.js';

const CI = process.env.CI === 'true';
const here = { file: 'x.h', line: 1 };
const types = (ps: Param[]): string[] => ps.map((p) => p.type);

describe('type and parameter normalisation', () => {
  it.each([
    ['char __user *buf', 'buf', 'char *'],
    ['const char __user * filename', 'filename', 'const char *'],
    ['const char __user *const __user *argv', 'argv', 'const char *const *'],
    ['struct stat __user *statbuf', 'statbuf', 'struct stat *'],
    ['unsigned fd', 'fd', 'unsigned int'],
    ['unsigned', '', 'unsigned int'],
    ['long unsigned int len', 'len', 'unsigned long'],
    ['long long off', 'off', 'long long'],
    ['signed char c', 'c', 'signed char'],
    ['int fildes[2]', 'fildes', 'int *'],
    ['struct iocb __user * __user *iocbpp', 'iocbpp', 'struct iocb **'],
    ['const clockid_t which_clock', 'which_clock', 'clockid_t'],
    ['u32 __user *', '', 'u32 *'],
    ['umode_t', '', 'umode_t'],
    ['struct old_sigaction __user *', '', 'struct old_sigaction *'],
    ['void (*handler)(int)', 'handler', 'void (*)(int)'],
  ])('%s', (raw, name, type) => {
    expect(parseParam(raw, here)).toEqual({ name, type });
  });

  it('normalises return types and drops linkage words', () => {
    expect(normaliseType('asmlinkage long', here)).toBe('long');
    expect(normaliseType('asmlinkage __visible unsigned', here)).toBe('unsigned int');
    expect(normaliseType('static inline', here)).toBe('');
  });

  it('rejects what is not a type', () => {
    expect(() => parseParam('int a = 3', here)).toThrow(ImportError);
    expect(() => parseParam('...', here)).toThrow(/variadic/);
  });
});

describe('parseCPrototypes', () => {
  it('reads multi-line asmlinkage declarations, skipping calls, macros and comments', () => {
    const text = [
      '/* asmlinkage long sys_commented(int a); */',
      '#define __SYSCALL_DEFINEx(x, name, ...) \\',
      '\tasmlinkage long sys##name(__MAP(x,__SC_DECL,__VA_ARGS__)); \\',
      '\tstatic long __do_sys##name(int x)',
      'asmlinkage long sys_read(unsigned int fd, char __user *buf,',
      '\t\t\tsize_t count);',
      'asmlinkage long sys_io_submit(aio_context_t, long,',
      '\t\t\tstruct iocb __user * __user *);',
      'asmlinkage long sys_ni_syscall(void);',
      'long sys_rtas(struct rtas_args __user *uargs);',
      'asmlinkage int sysm_pipe(void)',
      '{',
      '\treturn sys_pipe2(NULL, 0);',
      '}',
    ].join('\n');
    const found = parseCPrototypes(text, 'include/linux/syscalls.h');
    expect(found.map((f) => [f.entry, f.line, f.kind, f.ret, f.params.map((p) => `${p.type} ${p.name}`)])).toEqual([
      ['sys_read', 5, 'declaration', 'long', ['unsigned int fd', 'char * buf', 'size_t count']],
      ['sys_io_submit', 7, 'declaration', 'long', ['aio_context_t arg1', 'long arg2', 'struct iocb ** arg3']],
      ['sys_ni_syscall', 9, 'declaration', 'long', []],
      ['sys_rtas', 10, 'declaration', 'long', ['struct rtas_args * uargs']],
      ['sysm_pipe', 11, 'definition', 'int', []],
    ]);
  });

  it('reads SYSCALL_DEFINEn, COMPAT_SYSCALL_DEFINEn, SYSCALL32_DEFINEn and SC_ARG64', () => {
    const text = [
      'SYSCALL_DEFINE3(openat, int, dfd, const char __user *, filename, int, flags)',
      '{',
      '}',
      'COMPAT_SYSCALL_DEFINE2(getrlimit, unsigned int, resource,',
      '\t\t       struct compat_rlimit __user *, rlim)',
      '{}',
      'SYSCALL32_DEFINE4(fadvise, int, fd, SC_ARG64(offset), int, advice)',
      '{}',
      'SYSCALL_DEFINE0(fork) {}',
      '#define arg_u32p(name) u32, name##_lo, u32, name##_hi',
      'SYSCALL_DEFINE4(odd, unsigned int, fd, arg_u32p(pos))',
      '{}',
    ].join('\n');
    const found = parseCPrototypes(text, 'fs/x.c');
    expect(found.map((f) => [f.entry, f.line, f.bits, f.endian, types(f.params), f.params.map((p) => p.name)])).toEqual([
      ['sys_openat', 1, undefined, undefined, ['int', 'const char *', 'int'], ['dfd', 'filename', 'flags']],
      ['compat_sys_getrlimit', 4, undefined, undefined, ['unsigned int', 'struct compat_rlimit *'], ['resource', 'rlim']],
      ['sys_fadvise', 7, 32, 'little', ['int', 'u32', 'u32', 'int'], ['fd', 'offset_lo', 'offset_hi', 'advice']],
      ['sys_fadvise', 7, 32, 'big', ['int', 'u32', 'u32', 'int'], ['fd', 'offset_hi', 'offset_lo', 'advice']],
      ['sys_fork', 9, undefined, undefined, [], []],
      ['sys_odd', 11, undefined, undefined, [], []],
    ]);
    expect(found[5]!.problem).toMatch(/expected 4 type\/argument pairs/);
  });

  it('records the CONFIG_ conditions of each prototype', () => {
    const text = [
      '#ifndef CONFIG_ARCH_HAS_SYSCALL_WRAPPER',
      '#ifdef CONFIG_CLONE_BACKWARDS',
      'asmlinkage long sys_clone(unsigned long, unsigned long, int __user *, unsigned long, int __user *);',
      '#elif defined(CONFIG_CLONE_BACKWARDS2)',
      'asmlinkage long sys_clone(unsigned long, unsigned long, int __user *, int __user *, unsigned long);',
      '#else',
      'asmlinkage long sys_clone(unsigned long, unsigned long, int __user *, int __user *, unsigned long);',
      '#endif',
      '#if defined(CONFIG_A) || defined(CONFIG_B)',
      'asmlinkage long sys_x(void);',
      '#endif',
      '#endif',
    ].join('\n');
    expect(parseCPrototypes(text, 'h.h').map((f) => f.guards)).toEqual([
      ['!CONFIG_ARCH_HAS_SYSCALL_WRAPPER', 'CONFIG_CLONE_BACKWARDS'],
      ['!CONFIG_ARCH_HAS_SYSCALL_WRAPPER', '!CONFIG_CLONE_BACKWARDS', 'CONFIG_CLONE_BACKWARDS2'],
      ['!CONFIG_ARCH_HAS_SYSCALL_WRAPPER', '!CONFIG_CLONE_BACKWARDS', '!CONFIG_CLONE_BACKWARDS2'],
      ['!CONFIG_ARCH_HAS_SYSCALL_WRAPPER', 'CONFIG_A|CONFIG_B'],
    ]);
  });
});

describe('parseTrampolines', () => {
  it('finds .S labels that end in a tail branch, and save_static_function()', () => {
    const asm = [
      'sys_statfs64_wrapper:',
      '\t\tteq\tr1, #88',
      '\t\tmoveq\tr1, #84',
      '\t\tb\tsys_statfs64',
      'ENDPROC(sys_statfs64_wrapper)',
      'sys_not_a_trampoline:',
      '\t\tmov\tr0, #1',
      'ENDPROC(sys_not_a_trampoline)',
    ].join('\n');
    expect(parseTrampolines(asm, 'arch/arm/kernel/entry-common.S')).toEqual([
      { entry: 'sys_statfs64_wrapper', target: 'sys_statfs64', file: 'arch/arm/kernel/entry-common.S', line: 1 },
    ]);
    expect(parseTrampolines('save_static_function(sys_fork);\n', 'arch/mips/kernel/syscall.c')).toEqual([
      { entry: '__sys_fork', target: 'sys_fork', file: 'arch/mips/kernel/syscall.c', line: 1 },
    ]);
  });
});

describe('PrototypeIndex', () => {
  const index = new PrototypeIndex();
  index.add('include/linux/syscalls.h', [
    'asmlinkage long sys_read(unsigned int fd, char __user *buf, size_t count);',
    'asmlinkage long sys_mmap_pgoff(unsigned long addr, unsigned long len, unsigned long prot,',
    '  unsigned long flags, unsigned long fd, unsigned long pgoff);',
    '#ifdef CONFIG_CLONE_BACKWARDS',
    'asmlinkage long sys_clone(unsigned long, unsigned long, int __user *, unsigned long, int __user *);',
    '#else',
    'asmlinkage long sys_clone(unsigned long, unsigned long, int __user *, int __user *, unsigned long);',
    '#endif',
  ].join('\n'));
  index.add('fs/read_write.c', 'SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count)\n{}\n');
  index.add('arch/toy/include/asm/syscalls.h', 'long sys_toy(int);\nlong sys_both(int);\n');
  index.add('arch/toy/kernel/sys.c', 'SYSCALL_DEFINE1(both, long, value)\n{}\n');
  index.add('arch/toy/kernel/sys_32.c', 'SYSCALL_DEFINE1(only32, int, a)\n{}\n');
  index.add('arch/toy/kernel/entry.S', 'sys_mmap2:\n\tb\tsys_mmap_pgoff\nENDPROC(sys_mmap2)\n');
  index.add('arch/other/kernel/sys.c', 'SYSCALL_DEFINE1(toy, char, c)\n{}\n');
  index.addKconfig('toy', 'config TOY\n\tselect CLONE_BACKWARDS if TOY_32\n');
  const b64 = { arch: 'toy', bits: 64, endian: 'little' } as const;
  const b32 = { ...b64, bits: 32 } as const;

  it('prefers arch definitions, then arch declarations, then generic definitions, then syscalls.h', () => {
    expect(index.resolve('sys_both', b64)?.from).toBe('arch/toy/kernel/sys.c:1');
    expect(index.resolve('sys_toy', b64)).toEqual({ ret: 'long', params: [{ name: 'arg1', type: 'int' }], from: 'arch/toy/include/asm/syscalls.h:1' });
    expect(index.resolve('sys_read', b64)?.from).toBe('fs/read_write.c:1');
    expect(index.resolve('sys_mmap_pgoff', b64)?.from).toBe('include/linux/syscalls.h:2');
    expect(index.resolve('sys_missing', b64)).toBeUndefined();
  });

  it('takes *_32 files only for 32-bit builds', () => {
    expect(index.resolve('sys_only32', b64)).toBeUndefined();
    expect(index.resolve('sys_only32', b32)?.params).toEqual([{ name: 'a', type: 'int' }]);
  });

  it('gives a trampoline the prototype of its target', () => {
    expect(index.resolve('sys_mmap2', b64)).toMatchObject({ from: 'arch/toy/kernel/entry.S:1', via: 'sys_mmap_pgoff' });
    expect(index.resolve('sys_mmap2', b64)?.params).toHaveLength(6);
  });

  it('chooses between #ifdef CONFIG_ variants by the arch Kconfig, per word size', () => {
    expect(types(index.resolve('sys_clone', b32)!.params)).toEqual(['unsigned long', 'unsigned long', 'int *', 'unsigned long', 'int *']);
    expect(types(index.resolve('sys_clone', b64)!.params)).toEqual(['unsigned long', 'unsigned long', 'int *', 'int *', 'unsigned long']);
  });

  it('reports prototypes that still differ, and unreadable ones when used', () => {
    const bad = new PrototypeIndex();
    bad.add('arch/toy/kernel/a.c', 'SYSCALL_DEFINE1(x, int, a)\n{}\nSYSCALL_DEFINE2(y, int, PAIR(b))\n{}\n');
    bad.add('arch/toy/kernel/b.c', 'SYSCALL_DEFINE1(x, long, a)\n{}\n');
    expect(() => bad.resolve('sys_x', b64)).toThrow(/sys_x has different prototypes for toy \(64-bit\) at arch\/toy\/kernel\/a.c:1 and arch\/toy\/kernel\/b.c:1/);
    expect(() => bad.resolve('sys_y', b64)).toThrow(/arch\/toy\/kernel\/a.c:3: cannot read the prototype of sys_y/);
  });
});

// ---------------------------------------------------------------------------
// Real kernels

const CACHE = join(ROOT, 'node_modules', '.cache', 'sysbind-kernel');
const KERNELS = { '6.1': '/usr/src/linux-source-6.1.tar.xz', '6.12': '/usr/src/linux-source-6.12.tar.xz' } as const;
type Version = keyof typeof KERNELS;
const matrix = loadTargets(join(ROOT, 'specs'));
const linux = matrix.targets.filter((t) => t.platform === 'linux');

interface Run {
  tree: KernelTree;
  specs: string;
  result: ImportLinuxResult;
  prototypes: Record<string, { ret: string; params: Param[]; from: string; via?: string; byArch?: Record<string, { params: Param[]; from: string }> }>;
}
const runs = new Map<Version, Run>();

/** A fresh specs directory holding copies of targets.yaml and kernel-typedefs.yaml. */
function scratchSpecs(): string {
  const specs = mkdtempSync(join(tmpdir(), 'sysbind-prototypes-'));
  mkdirSync(join(specs, 'linux'));
  cpSync(join(ROOT, 'specs', 'targets.yaml'), join(specs, 'targets.yaml'));
  cpSync(join(ROOT, 'specs', 'linux', 'kernel-typedefs.yaml'), join(specs, 'linux', 'kernel-typedefs.yaml'));
  return specs;
}

beforeAll(async () => {
  for (const [v, tarball] of Object.entries(KERNELS) as [Version, string][]) {
    if (!existsSync(tarball)) continue;
    // The same patterns as test/import/syscall-table.test.ts, so both share one cached extraction.
    const tree = await openKernelTree(tarball, [...linuxImportPatterns(linux), 'include/*.h', 'arch/*/include/*.h'], { cacheDir: CACHE });
    const specs = scratchSpecs();
    const result = await importLinuxSyscalls({ kernelSrc: tree.root, specsDir: specs });
    const prototypes = (JSON.parse(readFileSync(join(specs, 'linux', 'prototypes.json'), 'utf8')) as { prototypes: Run['prototypes'] }).prototypes;
    runs.set(v, { tree, specs, result, prototypes });
  }
});

afterAll(() => {
  for (const r of runs.values()) {
    r.tree.close();
    rmSync(r.specs, { recursive: true, force: true });
  }
});

function run(ctx: TestContext, v: Version): Run {
  const r = runs.get(v);
  if (r) return r;
  if (CI) throw new Error(`${KERNELS[v]} is not installed`);
  console.log(`skipped: ${KERNELS[v]} is not installed`);
  ctx.skip();
  throw new Error('unreachable');
}

/** The prototype an arch uses: its byArch variant (`x86/64` or `x86`), else the base. */
function protoFor(r: Run, entry: string, arch: string, bits: number): { params: Param[]; from: string } | undefined {
  const p = r.prototypes[entry];
  return p && (p.byArch?.[`${arch}/${bits}`] ?? p.byArch?.[arch] ?? p);
}

describe.each(Object.keys(KERNELS) as Version[])('kernel %s', (v) => {
  it('finds a prototype for every entry point of the eight tables', (ctx) => {
    const r = run(ctx, v);
    // Nothing is exempt: sys_ni_syscall, asm trampolines (arm's *_wrapper, mips' __sys_*) and
    // arch-only entry points all resolve.
    expect(r.result.missingPrototypes).toEqual([]);
    for (const t of linux) {
      const table = JSON.parse(readFileSync(join(r.specs, 'linux', 'syscalls', `${t.name}.json`), 'utf8')) as { syscalls: { entry?: string }[] };
      for (const s of table.syscalls) if (s.entry) expect(r.prototypes[s.entry], `${t.name} ${s.entry}`).toBeDefined();
    }
    expect(Object.keys(r.prototypes)).toEqual(Object.keys(r.prototypes).sort());
  });

  it('every type a prototype uses is primitive, a struct/union/enum, or in kernel-typedefs.yaml', (ctx) => {
    expect(run(ctx, v).result.unknownTypedefs).toEqual([]);
  });

  it('matches well-known prototypes', (ctx) => {
    const r = run(ctx, v);
    expect(protoFor(r, 'sys_read', 'x86', 64)!.params).toEqual([
      { name: 'fd', type: 'unsigned int' },
      { name: 'buf', type: 'char *' },
      { name: 'count', type: 'size_t' },
    ]);
    expect(types(protoFor(r, 'sys_execve', 'x86', 64)!.params)).toEqual(['const char *', 'const char *const *', 'const char *const *']);
    expect(types(protoFor(r, 'sys_openat', 'arm64', 64)!.params)).toEqual(['int', 'const char *', 'int', 'umode_t']);
    // i386 passes a 64-bit file offset as two 32-bit halves, low first.
    expect(protoFor(r, 'sys_ia32_pread64', 'x86', 32)!.params.map((p) => p.name)).toEqual(['fd', 'ubuf', 'count', 'poslo', 'poshi']);
    expect(protoFor(r, 'sys_arm_fadvise64_64', 'arm', 32)!.params.map((p) => p.type)).toEqual(['int', 'int', 'loff_t', 'loff_t']);
    expect(r.prototypes['__sys_clone']).toMatchObject({ via: 'sys_clone', from: expect.stringMatching(/^arch\/mips\/kernel\/syscall\.c:\d+$/) });
  });

  it('gives clone(2) the argument order its man page documents for each arch', (ctx) => {
    const r = run(ctx, v);
    const order = (arch: string, bits: number): string[] =>
      protoFor(r, 'sys_clone', arch, bits)!.params.map((p) => p.name.replace(/ptr$/, '').replace(/^clone_/, ''));
    // man 2 clone, "C library/kernel differences".
    expect(order('x86', 64)).toEqual(['flags', 'newsp', 'parent_tid', 'child_tid', 'tls']);
    for (const [arch, bits] of [['x86', 32], ['arm', 32], ['arm64', 64], ['powerpc', 64], ['mips', 64], ['riscv', 64]] as const) {
      expect(order(arch, bits), arch).toEqual(['flags', 'newsp', 'parent_tid', 'tls', 'child_tid']);
    }
    expect(order('s390', 64)).toEqual(['newsp', 'flags', 'parent_tid', 'child_tid', 'tls']);
  });
});

describe('specs/linux/kernel-typedefs.yaml', () => {
  it('names, for each typedef, a kernel header that defines it', (ctx) => {
    const r = run(ctx, '6.12');
    const text = readFileSync(join(ROOT, 'specs', 'linux', 'kernel-typedefs.yaml'), 'utf8');
    const entries = [...text.matchAll(/^ {2}(\w+): \{.*\}\s+# (\S+)/gm)];
    const doc = parseYaml(text) as { typedefs: Record<string, { type: string }> };
    expect(entries.map((m) => m[1])).toEqual(Object.keys(doc.typedefs));
    for (const [, name, header] of entries) {
      const src = readFileSync(join(r.tree.root, header!), 'utf8');
      // `typedef … name;`, or the end of `typedef struct {…} [attribute] [__user *]name;`.
      const defines = new RegExp(`typedef[^;]*\\b${name}\\s*;|\\}\\s*(?:\\w+\\s+)?(?:__user\\s*\\*\\s*)?${name}\\s*;`).test(src);
      expect(defines, `${header} defines ${name}`).toBe(true);
    }
  });

  it('lists only typedefs some prototype uses', (ctx) => {
    const used = new Set<string>();
    for (const v of Object.keys(KERNELS) as Version[]) {
      for (const p of Object.values(run(ctx, v).prototypes)) {
        for (const variant of [p, ...Object.values(p.byArch ?? {})]) {
          for (const param of variant.params) {
            const t = typedefName(param.type);
            if (t) used.add(t);
          }
        }
      }
    }
    const doc = parseYaml(readFileSync(join(ROOT, 'specs', 'linux', 'kernel-typedefs.yaml'), 'utf8')) as { typedefs: object };
    expect(Object.keys(doc.typedefs).filter((t) => !used.has(t))).toEqual([]);
  });
});

describe('importLinuxSyscalls output', () => {
  it('is byte-identical when run twice on the same tree', async (ctx) => {
    const r = run(ctx, '6.12');
    const before = treeHashes(join(r.specs, 'linux'));
    await importLinuxSyscalls({ kernelSrc: r.tree.root, specsDir: r.specs });
    expect(treeHashes(join(r.specs, 'linux'))).toEqual(before);
    const x64 = readFileSync(join(r.specs, 'linux', 'syscalls', 'linux-x64.json'), 'utf8');
    expect(x64).toMatch(/^\{\n {2}"\$comment": "generated by `sysbind import linux --kernel-src /);
    expect(x64).toContain('\n    {"name": "read", "nr": 0, "abi": "common", "entry": "sys_read"},\n');
  });

  it('writes nothing when the import fails', async (ctx) => {
    const r = run(ctx, '6.12');
    const specs = scratchSpecs();
    try {
      writeFileSync(join(specs, 'linux', 'prototypes.json'), 'old\n');
      const yaml = readFileSync(join(specs, 'targets.yaml'), 'utf8').replace('abis: [common, "64", riscv, rlimit, memfd_secret]', 'abis: [common, "64", riscv]');
      writeFileSync(join(specs, 'targets.yaml'), yaml);
      const before = treeHashes(specs);
      await expect(importLinuxSyscalls({ kernelSrc: r.tree.root, specsDir: specs })).rejects.toThrow(
        /linux-riscv64 lists ABIs \[common, 64, riscv\] but kernel 6\.12\.\d+ builds riscv with \[common, 64, riscv, rlimit, memfd_secret\]/,
      );
      expect(treeHashes(specs)).toEqual(before);
      expect(readdirSync(join(specs, 'linux'))).toEqual(['kernel-typedefs.yaml', 'prototypes.json']);
    } finally {
      rmSync(specs, { recursive: true, force: true });
    }
  });
});
