/**
 * A release, end to end, in order (one file, so no two steps share build/,
 * dist/ or prebuilds/ at once): the cross harness runs vitest-style files
 * faithfully; every Linux target's addon cross-builds into prebuilds/; the
 * compiled suite passes on each target's own Node from npm under qemu-user
 * (tests that cannot run there are listed, with reasons, in
 * harness/not-portable.ts); and the packed package installs in an empty folder
 * with its linux-x64 prebuild and no compiler, and the README's example runs.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilerMachine, describeMachine, elfMachine } from '../../generator/cross/elf-machine.js';
import { foreignNode } from '../../generator/cross/foreign-node.js';
import { buildPrebuild } from '../../generator/cross/prebuild.js';
import { countStates, type SuiteReport } from '../../generator/cross/suite-report.js';
import { compileSuite, runSuite, suiteFiles } from '../../generator/cross/suite-run.js';
import { renderToolchain } from '../../generator/cross/toolchain.js';
import { hostTargetName, loadTargets } from '../../generator/spec/targets.js';
import { underEmulator } from '../../generator/cross/emulator.js';
import { fuzzSafeCalls, isolationMissing, summary } from '../fuzz/orchestrate.js';
import { knownEmulatorBug } from '../fuzz/emulator-bugs.js';
import { ROOT } from '../helpers/root.js';
import { requireTool } from '../helpers/tools.js';

const matrix = loadTargets(join(ROOT, 'specs'));
const linux = matrix.targets.filter((t) => t.platform === 'linux' && t.generate);
const host = hostTargetName();
const scratch = mkdtempSync(join(tmpdir(), 'sysbind-release-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(() => {
  compileSuite(ROOT);
}, 120_000);

const run = (command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) =>
  spawnSync(command, args, { ...opts, encoding: 'utf8', timeout: 300_000 });

describe('the cross harness (test/cross/harness/run.ts) runs vitest-style files as vitest does', () => {
  it('passes, fails, skips, times out, fails a suite whose beforeAll throws, and runs hooks in vitest order', () => {
    const fixture = join(scratch, 'fixture.test.mjs');
    writeFileSync(
      fixture,
      `import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
const log = [];
beforeAll(() => log.push('all'));
describe('outer', () => {
  beforeEach(() => log.push('each'));
  afterEach(() => log.push('after'));
  it('passes', () => expect({ a: [1, 2n] }).toEqual({ a: [1, 2n] }));
  it('fails', () => expect(() => { throw Object.assign(new Error('x'), { code: 'EBADF' }); }).toThrow(expect.objectContaining({ code: 'ENOENT' })));
  it.skipIf(true)('is skipped', () => {});
  it('awaits a rejection', async () => { await expect(Promise.reject(new Error('boom'))).rejects.toThrow('boom'); });
  it('times out', () => new Promise(() => {}), 50);
});
describe('broken setup', () => {
  beforeAll(() => { throw new Error('setup broke'); });
  it('never runs', () => {});
});
it('saw the hooks in order', () => expect(log).toEqual(['all', 'each', 'after', 'each', 'after', 'each', 'after', 'each', 'after']));
`,
    );
    const json = join(scratch, 'fixture.json');
    const r = run(process.execPath, [join(ROOT, 'dist', 'test', 'cross', 'harness', 'run.js'), '--json', json, fixture], { cwd: ROOT });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^3 passed, 3 failed, 1 skipped$/m);
    const report = JSON.parse(readFileSync(json, 'utf8')) as SuiteReport;
    const states = Object.fromEntries(report.results.map((c) => [c.name, c.state]));
    expect(states).toEqual({
      'outer > passes': 'passed',
      'outer > fails': 'failed',
      'outer > is skipped': 'skipped',
      'outer > awaits a rejection': 'passed',
      'outer > times out': 'failed',
      'broken setup > never runs': 'failed',
      'saw the hooks in order': 'passed',
    });
    expect(report.results.find((c) => c.name === 'broken setup > never runs')?.error).toContain('setup broke');
    expect(report.results.find((c) => c.name === 'outer > times out')?.error).toContain('timed out after 50 ms');
  });
});

describe('prebuilds: every Linux target cross-builds on this machine', () => {
  for (const t of linux) {
    const native = t.name === host;
    const gxx = native ? 'g++' : `${t.triple}-g++`;
    it.skipIf(!requireTool(gxx, native ? 'g++' : `g++-${t.triple}`) || !requireTool('cmake', 'cmake'))(
      `${t.name} with ${gxx}: an ELF for the same machine as ${native ? 'gcc' : `${t.triple}-gcc`} objects`,
      () => {
        if (!native) {
          const toolchain = renderToolchain(ROOT, t);
          expect(toolchain).toContain(`set(CMAKE_CXX_COMPILER ${t.triple}-g++)`);
          expect(toolchain).toContain(`set(CMAKE_SYSTEM_PROCESSOR ${t.triple.split('-')[0]})`);
          expect(toolchain).toContain(`set(CMAKE_FIND_ROOT_PATH ${t.emulator?.sysroot ?? `/usr/${t.triple}`})`);
        }
        const p = buildPrebuild(ROOT, t);
        expect(p.file).toBe(join(ROOT, 'prebuilds', t.name, 'sysbind.node'));
        const m = elfMachine(p.file);
        expect(m && describeMachine(m)).toBe(describeMachine(compilerMachine(native ? 'gcc' : `${t.triple}-gcc`)));
        if (m) expect(m.endian).toBe(t.endian);
        console.log(`prebuild ${t.name}: ${(p.ms / 1000).toFixed(1)} s`);
      },
      120_000,
    );
  }
});

describe("the compiled suite on each target's own Node from npm, under its emulator", () => {
  for (const t of matrix.targets.filter((x) => x.nodePackage && x.platform === 'linux' && x.generate)) {
    const emulator = t.emulator!.command;
    it.skipIf(!requireTool(emulator, 'qemu-user-static') || !requireTool(`${t.triple}-g++`, `g++-${t.triple}`))(
      `${t.name}: ${t.nodePackage} under ${emulator} -L ${t.emulator!.sysroot}: no failures; getpid() is process.pid, fstat agrees with fs.statSync`,
      async () => {
        if (!existsSync(join(ROOT, 'prebuilds', t.name, 'sysbind.node'))) buildPrebuild(ROOT, t);
        const node = foreignNode(ROOT, t);
        const { report, ms } = await runSuite({ root: ROOT, target: t, node: node.binary, files: suiteFiles(ROOT) });
        const c = countStates(report.results);
        const failures = report.results.filter((r) => r.state === 'failed').map((r) => `${r.file} > ${r.name}\n${r.error}`);
        console.log(`${t.name} on Node ${report.node}: ${c.passed} passed, ${c.failed} failed, ${c['not-portable']} not portable, ${c.skipped} skipped in ${(ms / 1000).toFixed(1)} s`);
        expect(failures).toEqual([]);
        expect(report.target).toBe(t.name);
        expect(report.endianness).toBe(t.endian === 'big' ? 'BE' : 'LE');
        expect(c.passed).toBeGreaterThan(150);
        const onTarget = (name: string) => report.results.find((r) => r.file === 'cross/on-target.test.ts' && r.name === `the binding on ${t.name} > ${name}`)?.state;
        expect(onTarget('is the addon built for this process.platform and process.arch')).toBe('passed');
        expect(onTarget('getpid() is process.pid')).toBe('passed');
        expect(onTarget("fstat agrees with this Node's fs.statSync: size, mode, inode, links, owner, device, times in seconds")).toBe('passed');
        expect(onTarget('pwrite64/pread64 at an offset past 4 GiB; statx and fs.statSync agree on the 64-bit size')).toBe('passed');
      },
      900_000,
    );
  }
});

describe("junk calls on each target's own Node (the safe-call fuzz of test/fuzz)", () => {
  const missing = isolationMissing();
  if (missing && process.env.CI === 'true') throw new Error(`${missing}: required under CI`);
  const seed = Number(process.env.SYSBIND_FUZZ_SEED ?? 0x5eed);
  for (const t of matrix.targets.filter((x) => x.nodePackage && x.platform === 'linux' && x.generate && x.name !== host)) {
    const emulator = t.emulator!.command;
    it.skipIf(missing !== undefined || !requireTool(emulator, 'qemu-user-static'))(
      `${t.name}: every non-unsafe_ export under ${emulator}, junk arguments (seed ${seed}): 0 crashes, 0 hangs`,
      async () => {
        if (!existsSync(join(ROOT, 'prebuilds', t.name, 'sysbind.node'))) buildPrebuild(ROOT, t);
        const node = foreignNode(ROOT, t);
        const child = join(ROOT, 'dist', 'test', 'fuzz', 'child.js');
        const report = await fuzzSafeCalls({
          target: t.name,
          invoke: (json) => ({ ...underEmulator(t, node.binary, [child, json]), env: { ...process.env, NODE_SKIP_PLATFORM_CHECK: '1' } }),
          seed,
          callsPerFunction: 100,
          batchSize: 200,
          idleLimitMs: 60_000,
          asyncTimeoutMs: 5000,
        });
        console.log(summary(report));
        expect(report.crashes).toEqual([]);
        expect(report.hangs).toEqual([]);
        // The emulator's own failures count only where emulator-bugs.test.ts shows them to be the emulator's.
        expect(report.emulatorFaults.filter((f) => !knownEmulatorBug(t.name, f.call))).toEqual([]);
        expect(report.functions).toBeGreaterThan(150);
        expect(report.calls).toBeGreaterThan(report.functions * 50);
      },
      900_000,
    );
  }
});

describe('the packed package', () => {
  /** Commands that would mean "a compiler ran": each logs its call and fails loudly. */
  const COMPILERS = ['cc', 'gcc', 'g++', 'c++', 'clang', 'clang++', 'cmake', 'make', 'ninja', 'ld', 'x86_64-linux-gnu-gcc', 'x86_64-linux-gnu-g++'];

  it.skipIf(!requireTool('g++', 'g++') || !requireTool('cmake', 'cmake'))(
    `installs in an empty folder from its ${host} prebuild with every compiler on PATH failing, and the README example runs`,
    () => {
      if (!existsSync(join(ROOT, 'prebuilds', host, 'sysbind.node'))) buildPrebuild(ROOT, matrix.get(host));
      const packed = run('npm', ['pack', '--pack-destination', scratch], { cwd: ROOT });
      expect(packed.status, packed.stderr).toBe(0);
      const tarball = join(scratch, packed.stdout.trim().split('\n').at(-1)!);

      const shims = join(scratch, 'shims');
      const calls = join(scratch, 'compiler-calls.log');
      mkdirSync(shims);
      for (const c of COMPILERS) {
        writeFileSync(join(shims, c), `#!/bin/sh\necho "$0 $*" >> ${calls}\necho "sysbind test: $0 must not run during install" >&2\nexit 97\n`);
        chmodSync(join(shims, c), 0o755);
      }
      const app = join(scratch, 'app');
      mkdirSync(app);
      // npm 11 may skip a dependency's install script the project does not allow (strict-allow-scripts): allow ours.
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', allowScripts: { sysbind: true } }));
      const env = { ...process.env, PATH: `${shims}${delimiter}${process.env.PATH}`, SYSBIND_ADDON: '' };
      const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts', tarball], { cwd: app, env });
      expect(install.status, install.stdout + install.stderr).toBe(0);
      expect(install.stdout + install.stderr).toContain(`sysbind: using the prebuilt addon prebuilds/${host}/sysbind.node; nothing to compile`);
      expect(existsSync(calls) ? readFileSync(calls, 'utf8') : '').toBe('');

      const pkg = join(app, 'node_modules', 'sysbind');
      expect(existsSync(join(pkg, 'build'))).toBe(false);
      expect(readdirSync(join(pkg, 'prebuilds')).sort()).toEqual(readdirSync(join(ROOT, 'prebuilds')).sort());
      for (const f of ['dist/generated/index.js', 'dist/generated/runtime/native-loader.js', 'dist/generator/build-addon.js', 'CMakeLists.txt', `generated/${host}/binding.cc`]) {
        expect(existsSync(join(pkg, f)), f).toBe(true);
      }
      expect(existsSync(join(pkg, 'dist', 'test'))).toBe(false);

      const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
      const example = /<!-- packed-example -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
      expect(example, 'README.md has a ```js block after <!-- packed-example -->').toBeDefined();
      writeFileSync(join(app, 'example.js'), example!);
      const ran = run(process.execPath, ['example.js'], { cwd: app, env });
      expect(ran.status, ran.stderr).toBe(0);
      expect(ran.stdout).toContain(`${host} pid ${ran.pid}`);
    },
    600_000,
  );
});
