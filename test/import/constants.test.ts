/**
 * Tests the Linux constants importer against sources independent of it:
 *  - for every linux target, a C program generated here printf()s every imported
 *    constant at run time (natively for linux-x64, under qemu-<arch>-static for
 *    the others) and must agree with specs/linux/constants/<target>.json;
 *  - Python's errno/signal/socket/... modules (built against glibc) on the host;
 *  - the ELF reader and the evaluator on objects from every target's compiler,
 *    including negative values and values >= 2^63;
 *  - spec validation (stale excludes, schema), missing compilers, atomicity and
 *    byte-for-byte determinism of a re-import.
 * A missing cross compiler or emulator skips a test, except when CI=true.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { SpecError, ToolchainError } from '../../generator/errors.js';
import {
  compilerFor,
  evaluate,
  importLinuxConstants,
  parseElfObject,
  preprocess,
  readUnsigned,
} from '../../generator/import/linux/constants.js';
import { compareConstantsFiles, type ConstantsFile } from '../../generator/import/linux/constants-compare.js';
import { loadTargets, type Target } from '../../generator/spec/targets.js';

const specsDir = fileURLToPath(new URL('../../specs', import.meta.url));
const linuxTargets = loadTargets(specsDir).targets.filter((t) => t.platform === 'linux');
const hostTarget = linuxTargets.find((t) => t.emulator === null)!;
const quietLog = { info: () => {}, debug: () => {} };

interface ConstantsJson {
  source: { compiler: string; headers: Record<string, string> };
  families: Record<string, { follows: string; headers: string[]; constants: { name: string; value: number | string; alias?: string; description?: string }[] }>;
}
const readJson = (target: string): ConstantsJson =>
  JSON.parse(readFileSync(join(specsDir, 'linux', 'constants', `${target}.json`), 'utf8')) as ConstantsJson;

const scratch = mkdtempSync(join(tmpdir(), 'sysbind-constants-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const scratchDir = (name: string): string => {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

function haveCommand(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** Skips the test when a tool is missing, or fails it on CI. */
function requireCommands(ctx: TestContext, commands: string[]): void {
  const missing = commands.filter((c) => !haveCommand(c));
  if (missing.length === 0) return;
  const message = `missing ${missing.join(', ')} (Debian: gcc-<triple>, qemu-user-static)`;
  if (process.env.CI === 'true') throw new Error(`${message}; required when CI=true`);
  ctx.skip(message);
}

/** A C program printing `family NAME value` for every constant of the JSON, one unit per family. */
function writePrinter(dir: string, json: ConstantsJson): string[] {
  const files: string[] = [];
  const families = Object.entries(json.families);
  for (const [family, f] of families) {
    const body = [
      ...f.headers.map((h) => `#include <${h}>`),
      'extern int printf(const char *, ...);',
      `#define P(x) ((x) < 0 ? printf("${family} %s %lld\\n", #x, (long long)(x)) : printf("${family} %s %llu\\n", #x, (unsigned long long)(x)))`,
      `void print_${family}(void) {`,
      ...f.constants.map((c) => `  P(${c.name});`),
      '}',
    ];
    files.push(join(dir, `print_${family}.c`));
    writeFileSync(files.at(-1)!, body.join('\n') + '\n');
  }
  files.push(join(dir, 'main.c'));
  writeFileSync(
    files.at(-1)!,
    families.map(([f]) => `void print_${f}(void);\n`).join('') + `int main(void) {\n${families.map(([f]) => `  print_${f}();\n`).join('')}  return 0;\n}\n`,
  );
  return files;
}

function expectedLines(json: ConstantsJson): string[] {
  return Object.entries(json.families).flatMap(([family, f]) => f.constants.map((c) => `${family} ${c.name} ${c.value}`));
}

describe('imported values equal what a compiled program prints at run time', () => {
  it(`${hostTarget.name}: native gcc program`, (ctx) => {
    requireCommands(ctx, ['gcc']);
    const json = readJson(hostTarget.name);
    const dir = scratchDir(`run-${hostTarget.name}`);
    execFileSync('gcc', ['-O0', '-w', '-D_GNU_SOURCE', '-o', join(dir, 'prog'), ...writePrinter(dir, json)]);
    const printed = execFileSync(join(dir, 'prog'), { encoding: 'utf8' }).trim().split('\n');
    expect(printed).toEqual(expectedLines(json));
  });

  for (const target of linuxTargets.filter((t) => t.emulator !== null)) {
    it(`${target.name}: static binary under ${target.emulator!.command}`, (ctx) => {
      const cc = compilerFor(target).command;
      requireCommands(ctx, [cc, target.emulator!.command]);
      const json = readJson(target.name);
      const dir = scratchDir(`run-${target.name}`);
      execFileSync(cc, ['-static', '-O0', '-w', '-D_GNU_SOURCE', '-o', join(dir, 'prog'), ...writePrinter(dir, json)]);
      const printed = execFileSync(target.emulator!.command, [join(dir, 'prog')], { encoding: 'utf8' }).trim().split('\n');
      expect(printed).toEqual(expectedLines(json));
    }, 60_000);
  }
});

describe('cross-checked with Python (glibc build of the host)', () => {
  /** Values where glibc deliberately differs from the kernel ABI that sysbind follows. */
  const kernelVsGlibc: Record<string, string> = {
    O_LARGEFILE: 'glibc defines it as 0 on 64-bit (implied); the kernel flag bit is real',
    SIGRTMIN: 'glibc reserves the first real-time signals for itself (34); the kernel number is 32',
    RLIM_INFINITY: 'Python exposes it as -1; the kernel value is ~0UL',
  };

  it(`${hostTarget.name}: every constant Python knows has the same value`, (ctx) => {
    requireCommands(ctx, ['python3']);
    const script = `
import json, errno, signal, socket, select, mmap, os, resource, time, stat, fcntl
mods = [errno, signal, socket, select, mmap, os, resource, time, stat, fcntl]
print(json.dumps({m.__name__: {n: int(getattr(m, n)) for n in dir(m)
  if n.isupper() and isinstance(getattr(m, n), int) and not isinstance(getattr(m, n), bool)} for m in mods}))`;
    const python = JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' })) as Record<string, Record<string, number>>;
    const json = readJson(hostTarget.name);
    const ours = new Map(Object.values(json.families).flatMap((f) => f.constants.map((c) => [c.name, String(c.value)] as const)));

    // errno: every name Python's errno module knows that the kernel defines.
    const errnoNames = Object.keys(python.errno!).filter((n) => ours.has(n));
    expect(errnoNames.length).toBeGreaterThan(120);
    for (const n of errnoNames) expect(ours.get(n), n).toBe(String(python.errno![n]));

    let compared = 0;
    for (const [module, values] of Object.entries(python)) {
      for (const [name, value] of Object.entries(values)) {
        if (!ours.has(name) || name in kernelVsGlibc) continue;
        expect(`${module}.${name}=${ours.get(name)}`).toBe(`${module}.${name}=${value}`);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(400);
    // The known differences really are differences (else the exception is stale).
    for (const name of Object.keys(kernelVsGlibc)) {
      const py = Object.values(python).find((m) => name in m)![name]!;
      expect(ours.get(name), name).not.toBe(String(py));
    }
  });
});

describe('ELF reader and evaluator on every target', () => {
  const knownValues = `
const unsigned long long v_pattern = 0x0102030405060708ULL;
const long long v_minus_two = -2;
const unsigned long long v_max = 18446744073709551615ULL;
const unsigned long long v_2_63 = 9223372036854775808ULL;
const long long v_min = -9223372036854775807LL - 1;
const int v_int_minus_one = -1;
const short v_short = -300;
const unsigned char v_byte = 200;
const unsigned long long v_zero = 0;
`;

  for (const target of linuxTargets) {
    it(`${target.name}: parses an object with known values`, (ctx) => {
      const cc = compilerFor(target).command;
      requireCommands(ctx, [cc]);
      const dir = scratchDir(`elf-${target.name}`);
      writeFileSync(join(dir, 'known.c'), knownValues);
      execFileSync(cc, ['-c', '-O0', '-o', join(dir, 'known.o'), join(dir, 'known.c')]);
      const elf = parseElfObject(readFileSync(join(dir, 'known.o')));
      expect(elf.littleEndian).toBe(target.endian === 'little');
      expect(elf.hasRelocations).toBe(false);
      const unsigned = (name: string): bigint => readUnsigned(elf.symbols.get(name)!, elf.littleEndian);
      const signed = (name: string): bigint => BigInt.asIntN(elf.symbols.get(name)!.length * 8, unsigned(name));
      expect(unsigned('v_pattern')).toBe(0x0102030405060708n);
      expect(signed('v_minus_two')).toBe(-2n);
      expect(unsigned('v_max')).toBe(2n ** 64n - 1n);
      expect(unsigned('v_2_63')).toBe(2n ** 63n);
      expect(signed('v_min')).toBe(-(2n ** 63n));
      expect(signed('v_int_minus_one')).toBe(-1n);
      expect(signed('v_short')).toBe(-300n);
      expect(unsigned('v_byte')).toBe(200n);
      expect(unsigned('v_zero')).toBe(0n);
    });

    it(`${target.name}: evaluates integer macros and drops the rest`, async (ctx) => {
      const cc = compilerFor(target).command;
      requireCommands(ctx, [cc]);
      const dir = scratchDir(`eval-${target.name}`);
      writeFileSync(
        join(dir, 'probe.h'),
        [
          '#define T_STRING "str"',
          '#define T_POINTER ((void *)1)',
          '#define T_FLOAT 1.5',
          '#define T_EMPTY',
          '#define T_INIT { 0 }',
          '#define T_COMMA 1, 2',
          '#define T_FUNC(x) (x)',
          '#define T_NEG (-5)',
          '#define T_MAX 0xffffffffffffffffULL',
          '#define T_MIN (-9223372036854775807LL - 1)',
          '#define T_2_63 0x8000000000000000ULL',
          '#define T_ULONG_MAX (~0UL)',
          '#define T_SIZEOF_LONG sizeof(long)',
          'enum { T_ENUM = -7 };',
          '#define T_ENUM T_ENUM',
          '#define T_ALIAS T_NEG',
        ].join('\n') + '\n',
      );
      const unit = { id: 'probe', headers: ['probe.h'] };
      const macros = (await preprocess(cc, [unit], dir, ['-I.'])).get('probe')!.macros;
      expect(macros.get('T_FUNC')?.functionLike).toBe(true);
      expect(macros.get('T_ALIAS')?.body).toBe('T_NEG');
      const names = [...macros.keys()].filter((n) => n.startsWith('T_') && !macros.get(n)!.functionLike);
      const { values, dropped } = await evaluate(cc, [{ ...unit, names }], dir, ['-I.']);
      expect([...dropped.get('probe')!.keys()].sort()).toEqual(['T_COMMA', 'T_EMPTY', 'T_FLOAT', 'T_INIT', 'T_POINTER', 'T_STRING']);
      const longBits = target.dataModel === 'LP64' ? 64n : 32n;
      expect(Object.fromEntries(values.get('probe')!)).toEqual({
        T_NEG: -5n,
        T_MAX: 2n ** 64n - 1n,
        T_MIN: -(2n ** 63n),
        T_2_63: 2n ** 63n,
        T_ULONG_MAX: 2n ** longBits - 1n,
        T_SIZEOF_LONG: longBits / 8n,
        T_ENUM: -7n,
        T_ALIAS: -5n,
      });
    });
  }

  it('rejects what is not an ELF file', () => {
    expect(() => parseElfObject(new TextEncoder().encode('#!/bin/sh\n'.repeat(10)))).toThrow(/not an ELF file/);
  });
});

describe('imported files', () => {
  it('aliases name a constant of the same family with the same value; errno has descriptions', () => {
    for (const t of linuxTargets) {
      const json = readJson(t.name);
      for (const [family, f] of Object.entries(json.families)) {
        const byName = new Map(f.constants.map((c) => [c.name, c]));
        for (const c of f.constants.filter((x) => x.alias)) {
          expect(byName.get(c.alias!)?.value, `${t.name} ${family} ${c.name}`).toBe(c.value);
        }
      }
      const undescribed = json.families.errno!.constants.filter((c) => !c.description && !c.alias);
      expect(undescribed, t.name).toEqual([]);
    }
  });
});

/** A specs dir holding targets.yaml and a given constant-families.yaml. */
function tempSpecs(name: string, families?: string): string {
  const dir = scratchDir(name);
  mkdirSync(join(dir, 'linux'), { recursive: true });
  copyFileSync(join(specsDir, 'targets.yaml'), join(dir, 'targets.yaml'));
  writeFileSync(join(dir, 'linux', 'constant-families.yaml'), families ?? readFileSync(join(specsDir, 'linux', 'constant-families.yaml'), 'utf8'));
  return dir;
}
const written = (dir: string): string[] => (existsSync(join(dir, 'linux', 'constants')) ? readdirSync(join(dir, 'linux', 'constants')) : []);

describe('importer errors and guarantees', () => {
  it('a stale exclude is an error at its line, and nothing is written', async (ctx) => {
    requireCommands(ctx, [compilerFor(hostTarget).command]);
    const dir = tempSpecs(
      'stale',
      'families:\n  errno:\n    follows: kernel\n    headers: [asm/errno.h]\n    match: [\'^E[A-Z0-9]+$\']\n    exclude:\n      ENOTAREALERRNO: gone\n',
    );
    const run = importLinuxConstants({ specsDir: dir, targets: [hostTarget], log: quietLog });
    await expect(run).rejects.toThrow(SpecError);
    await expect(run).rejects.toThrow(/constant-families\.yaml:7: stale exclude.*ENOTAREALERRNO/);
    expect(written(dir)).toEqual([]);
  });

  it('a schema error names file and line', async () => {
    const dir = tempSpecs('schema', 'families:\n  errno:\n    follows: kernel\n    headers: [asm/errno.h]\n    match: [x]\n    colour: blue\n');
    await expect(importLinuxConstants({ specsDir: dir, targets: [hostTarget], log: quietLog })).rejects.toThrow(
      /constant-families\.yaml:6: unknown key 'colour'/,
    );
  });

  it('a missing cross compiler is a ToolchainError naming the command and package; nothing is written', async () => {
    const dir = tempSpecs('missing');
    const fake: Target = { ...hostTarget, name: 'linux-fake', arch: 'fake', triple: 'sysbind-nonexistent-linux-gnu' };
    const run = importLinuxConstants({ specsDir: dir, targets: [hostTarget, fake], log: quietLog });
    await expect(run).rejects.toThrow(ToolchainError);
    await expect(run).rejects.toThrow(/sysbind-nonexistent-linux-gnu-gcc .*gcc-sysbind-nonexistent-linux-gnu/);
    expect(written(dir)).toEqual([]);
  });

  it('re-importing all targets is deterministic and reproduces every checked-in value, name, family and description', async (ctx) => {
    requireCommands(ctx, linuxTargets.map((t) => compilerFor(t).command));
    const dir = tempSpecs('reimport');
    const summary = await importLinuxConstants({ specsDir: dir, targets: linuxTargets, log: quietLog });
    expect(summary.targets.map((t) => t.target).sort()).toEqual(linuxTargets.map((t) => t.name).sort());
    const first = new Map(written(dir).map((f) => [f, readFileSync(join(dir, 'linux', 'constants', f), 'utf8')]));
    await importLinuxConstants({ specsDir: dir, targets: linuxTargets, log: quietLog });
    const differences: string[] = [];
    const provenance: string[] = [];
    for (const [file, text] of first) {
      expect(readFileSync(join(dir, 'linux', 'constants', file), 'utf8'), `second run ${file}`).toBe(text);
      const target = file.replace(/\.json$/, '');
      const checkedIn = JSON.parse(readFileSync(join(specsDir, 'linux', 'constants', file), 'utf8')) as ConstantsFile;
      const result = compareConstantsFiles(target, checkedIn, JSON.parse(text) as ConstantsFile);
      differences.push(...result.differences);
      provenance.push(...result.provenance);
    }
    // A header package's new revision with the same values is news, not a failure.
    if (provenance.length > 0) console.warn(`constants provenance differs from the checked-in files (values unchanged):\n  ${provenance.join('\n  ')}`);
    expect(differences).toEqual([]);
    expect(first.size).toBe(linuxTargets.length);
  }, 120_000);

  it('a hand-changed value in a checked-in file is reported with its constant, target and both values', () => {
    const json = readJson(hostTarget.name) as unknown as ConstantsFile;
    const edited = structuredClone(json);
    const eperm = edited.families.errno!.constants.find((c) => c.name === 'EPERM')!;
    eperm.value = 99;
    edited.source.headers['linux-libc-dev'] = 'some-other-revision';
    const result = compareConstantsFiles(hostTarget.name, edited, json);
    expect(result.differences).toEqual([`${hostTarget.name}: errno.EPERM value is 99 checked in, 1 imported`]);
    expect(result.provenance).toEqual([`${hostTarget.name}: linux-libc-dev some-other-revision → ${json.source.headers['linux-libc-dev']}`]);
    const removed = structuredClone(json);
    removed.families.errno!.constants = removed.families.errno!.constants.filter((c) => c.name !== 'ENOENT');
    expect(compareConstantsFiles(hostTarget.name, json, removed).differences).toEqual([
      `${hostTarget.name}: errno.ENOENT (checked in as 2) is no longer imported`,
    ]);
  });
});
