/**
 * The generated Win32 bindings, run for real: each Windows target's addon is
 * cross-built with mingw-w64 (buildWin32Addon), loaded by a real Windows Node
 * from npm under wine, and exercised by wine-suite.ts (files, processes,
 * memory, events, time, environment, registry, errors and a bad-input sweep
 * over every parameter of every function). Skips, naming the package, where
 * wine or mingw-w64 is missing (fails instead under CI=true); win32-ia32 also
 * needs wine32:i386, and says so when wine cannot start a 32-bit program.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWin32Addon, win32BuildDir } from '../../generator/build-win32.js';
import { buildWin32Model } from '../../generator/spec/win32-model.js';
import { loadTargets, type Target } from '../../generator/spec/targets.js';
import { loadWin32Specs } from '../../generator/spec/win32-specs.js';
import { ROOT } from '../helpers/root.js';
import { badInputPlan } from './suite-plan.js';
import { runUnderWine, transpileForWindows, windowsNode, windowsPath, wineRuns, wineToolsPresent } from './wine.js';

const matrix = loadTargets(join(ROOT, 'specs'));
const specs = loadWin32Specs(join(ROOT, 'specs'));

/** The host's Node version when the target's package has it, else the package's newest (node-win-x86 has no 20.x). */
function nodeVersion(target: Target): string {
  const has = spawnSync('npm', ['view', `${target.nodePackage}@${process.versions.node}`, 'version'], { encoding: 'utf8' });
  if (has.status === 0 && has.stdout.trim() !== '') return process.versions.node;
  return spawnSync('npm', ['view', target.nodePackage!, 'version'], { encoding: 'utf8' }).stdout.trim();
}

/** Whether this target's Windows Node starts under wine here (x86's does not in WoW64 mode without wine32: its ws2_32 does not load). */
function ready(target: Target): boolean {
  if (!wineToolsPresent(target)) return false;
  let why = `wine cannot start ${target.arch} programs here (32-bit ones need wine32:i386, or its DLLs in build/wine32: see .ci/run)`;
  if (wineRuns(ROOT, target)) {
    const node = windowsNode(ROOT, target, nodeVersion(target));
    const probe = runUnderWine(ROOT, target, node, ['-e', 'process.exit(42)'], { NODE_SKIP_PLATFORM_CHECK: '1' }, join(win32BuildDir(ROOT, target.name), 'node-probe.out'));
    if (probe.status === 42) return true;
    why = `${target.nodePackage}'s node.exe does not start under wine here (exit ${probe.status}: ${probe.output.trim().split('\n').at(-1) ?? ''})`;
  }
  // Without wine32:i386 the 32-bit Node cannot run; smoke.test.ts still runs 32-bit code through WoW64.
  if (process.env.CI === 'true' && target.dataModel !== 'ILP32') throw new Error(why);
  console.warn(`skipping the ${target.name} suite: ${why}`);
  return false;
}

type Results = Record<string, Record<string, unknown> & { threw?: string; message?: string }>;

for (const name of ['win32-x64', 'win32-ia32']) {
  const target = matrix.get(name);
  const run = ready(target);
  describe.skipIf(!run)(`${name} under wine`, () => {
    let r: Results;
    let timings = '';
    beforeAll(() => {
      const t0 = Date.now();
      const addon = buildWin32Addon({ root: ROOT, target: name });
      const node = windowsNode(ROOT, target, nodeVersion(target)); // installed by ready(): found in the cache
      const t1 = Date.now();
      const script = transpileForWindows(ROOT, name, join(ROOT, 'test', 'win32', 'wine-suite.ts'));
      const plan = join(win32BuildDir(ROOT, name), 'bad-input.json');
      writeFileSync(plan, JSON.stringify(badInputPlan(buildWin32Model(specs, target))));
      const out = runUnderWine(ROOT, target, node, [windowsPath(script), name, windowsPath(plan)], { NODE_SKIP_PLATFORM_CHECK: '1', SYSBIND_ADDON: windowsPath(addon.file) }, join(win32BuildDir(ROOT, name), 'suite.out'));
      timings = `build ${addon.ms} ms, node ${t1 - t0 - addon.ms} ms, wine run ${Date.now() - t1} ms`;
      const line = out.output.split('\n').find((l) => l.startsWith('SYSBIND-RESULTS '));
      if (!line) throw new Error(`the suite printed no results (exit ${out.status}):\n${out.output}`);
      r = JSON.parse(line.slice('SYSBIND-RESULTS '.length)) as Results;
      console.log(`${name}: ${timings}`);
    }, 240_000);

    it('creates, writes, reads back, moves, lists and deletes a file', () => {
      expect(r.file).toMatchObject({ written: 19, size: '19n', position: '0n', read: 19, atEnd: 0, text: 'hello from sysbind\n', nodeReadsSame: true, attributesSize: 19, isDirectory: false });
      expect(String(r.file!.finalPath)).toMatch(/data\.bin$/);
      expect(r.directory).toEqual(['.', '..', 'moved.bin', 'sub']);
    });

    it('throws Win32Error ERROR_FILE_NOT_FOUND (errno 2) with the path and Windows\' message', () => {
      expect(r.deleteThenDeleteAgain).toMatchObject({ threw: 'Win32Error', code: 'ERROR_FILE_NOT_FOUND', errno: 2, syscall: 'DeleteFileW' });
      expect(r.deleteThenDeleteAgain!.path).toMatch(/moved\.bin$/);
      expect(r.openMissing).toMatchObject({ threw: 'Win32Error', code: 'ERROR_FILE_NOT_FOUND', errno: 2, syscall: 'CreateFileW' });
      // The text is FormatMessageW's for code 2 (Windows: "The system cannot find the file specified.", wine: "File not found.").
      const text = String(r.errors!.message).replace(/\.$/, '');
      expect(r.openMissing!.message).toBe(`ERROR_FILE_NOT_FOUND: ${text}, CreateFileW '${String(r.openMissing!.path)}'`);
      expect(r.openMissing!.path).toMatch(/missing\.txt$/);
    });

    it('accepts a tracked handle only while live: junk and closed SC_HANDLEs and find handles are TypeErrors, a live one reaches the SCM', () => {
      const l = r.liveHandles as Record<string, { threw?: string; message?: string; code?: string }>;
      expect(l.junk).toMatchObject({ threw: 'TypeError', message: expect.stringContaining("'hService' is not a live SC_HANDLE") });
      expect(l.live).toMatchObject({ threw: 'Win32Error', code: 'ERROR_SERVICE_DOES_NOT_EXIST', errno: 1060 });
      expect(l.close).toBeNull();
      expect(l.closeAgain).toMatchObject({ threw: 'TypeError', message: expect.stringContaining("'hSCObject' is not a live SC_HANDLE") });
      expect(l.findAfterClose).toMatchObject({ threw: 'TypeError', message: expect.stringContaining("'hFindFile' is not a live FindFileHandle") });
    });

    it('keeps the last error read right after the call, whatever JavaScript did since', () => {
      expect(r.lastErrorSurvives).toEqual({ captured: 183, churn: 2000, errnoAfterChurn: 2 });
    });

    it('sees its own process: GetCurrentProcessId equals process.pid; OpenProcess, exit code, times', () => {
      expect(r.process).toMatchObject({ threadId: true, exit: 259, created: true, userTime: true });
      expect(r.process!.pid).toBe(r.process!.nodePid);
    });

    it('writes and reads memory from VirtualAlloc, queries and protects it, and frees it (the view detaches)', () => {
      expect(r.memory).toMatchObject({ pageSize: 4096, length: 65536, sum: 256 * 255 * 128, regionSize: '65536n', state: 0x1000, protect: 4, old: 4, readOnly: 2, lengthAfterFree: 0, totalPhys: true });
      expect(r.memory!.freeAgain).toMatchObject({ threw: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    });

    it('signals and waits on events (WAIT_TIMEOUT, WAIT_OBJECT_0 + index), and refuses a closed handle', () => {
      expect(r.events).toMatchObject({ before: 258, after: 0, none: 258, second: 1 });
      expect(r.events!.closed).toMatchObject({ threw: 'Win32Error', code: 'ERROR_INVALID_HANDLE', errno: 6 });
    });

    it('reads the clocks', () => {
      expect(r.time).toMatchObject({ counterMonotonic: true, frequency: true, tick: 'bigint' });
      expect(r.time!.skewMs).toBeLessThan(5000);
    });

    it('passes UTF-16 strings both ways, tells an empty variable from a missing one', () => {
      expect(r.environment).toMatchObject({ roundTrip: true, n: 20, tooSmall: 21, empty: 0, nodeSees: true, computerName: true });
      expect(r.environment!.missing).toMatchObject({ threw: 'Win32Error', code: 'ERROR_ENVVAR_NOT_FOUND', errno: 203, syscall: 'GetEnvironmentVariableW' });
      expect(r.version).toMatchObject({ build: true, size: 276 });
      expect(r.version!.rtlMajor).toBeGreaterThanOrEqual(6);
    });

    it('formats messages and maps NTSTATUS; NtStatusError names the status', () => {
      expect(r.errors).toMatchObject({ fromString: 'sysbind %1 ok', dos: 2, names: ['ERROR_FILE_NOT_FOUND', 'STATUS_ACCESS_DENIED'] });
      expect(r.errors!.message).toMatch(/file/i);
      expect(r.ntstatus).toMatchObject({ threw: 'NtStatusError', code: 'STATUS_INFO_LENGTH_MISMATCH', status: 0xc0000004, syscall: 'NtQuerySystemInformation' });
      expect(typeof r.ntstatusOk).toBe('number');
    });

    it('creates, writes, reads and deletes a registry key under HKEY_CURRENT_USER', () => {
      expect(r.registry).toMatchObject({ disposition: 1, numberType: 4, numberSize: 4, number: 0xc0ffee, textType: 1, text: 'värde ✓' });
      expect(r.registry!.gone).toMatchObject({ threw: 'Win32Error', code: 'ERROR_FILE_NOT_FOUND', errno: 2, syscall: 'RegOpenKeyExW' });
    });

    it('answers bad input with TypeError/RangeError naming the argument, and never crashes', () => {
      expect(r.embeddedNul).toMatchObject({ threw: 'TypeError', message: "CreateFileW(): argument 'lpFileName' must not contain NUL characters" });
      expect(r.lengthBeyondBuffer).toMatchObject({ threw: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
      expect(r.lengthBeyondBuffer!.message).toContain("'nNumberOfBytesToRead'");
      expect(r.handleAsNumber).toMatchObject({ threw: 'TypeError', message: "CloseHandle(): argument 'hObject' must be a handle (bigint), received number" });
      expect(r.wrongType).toMatchObject({ threw: 'TypeError' });
      expect(r.sizeFieldBeyondBuffer).toMatchObject({ threw: 'RangeError', message: "GlobalMemoryStatusEx(): argument 'lpBuffer' has dwLength larger than its buffer" });
      expect(r.overlappedRefused).toMatchObject({ threw: 'RangeError', message: "CreateFileW(): argument 'dwFlagsAndAttributes' must not include FILE_FLAG_OVERLAPPED" });
      const sweep = r.sweep as unknown as { cases: number; failures: string[] };
      expect(sweep.failures).toEqual([]);
      expect(sweep.cases).toBeGreaterThan(300);
      expect(r.aliveAtEnd).toBe(true);
    });
  });
}
