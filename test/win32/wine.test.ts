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
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWin32Addon, win32BuildDir } from '../../generator/build-win32.js';
import { buildWin32Model } from '../../generator/spec/win32-model.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { loadWin32Specs } from '../../generator/spec/win32-specs.js';
import { ROOT } from '../helpers/root.js';
import { badInputPlan } from './suite-plan.js';
import { nodeVersion, runUnderWine, transpileForWindows, windowsNode, windowsNodeReady, windowsPath } from './wine.js';

const matrix = loadTargets(join(ROOT, 'specs'));
const specs = loadWin32Specs(join(ROOT, 'specs'));

type Results = Record<string, Record<string, unknown> & { threw?: string; message?: string }>;

for (const name of ['win32-x64', 'win32-ia32']) {
  const target = matrix.get(name);
  const run = windowsNodeReady(ROOT, target);
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

    it('calls JavaScript back synchronously: every code page once, a stop after three, nesting, and a thrown error rethrown as itself', () => {
      expect(r.callbacks).toMatchObject({ has1252: true, completed: true, firstThree: 3, allValid: true, nested: 1, sameError: true, calls: 1, windowsAllReal: true });
      expect(r.callbacks!.count as number).toBeGreaterThan(3);
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

    it('passes arrays of records (StructArray): GDI draws, converts and builds regions from POINT arrays', () => {
      const a = r.recordArrays as Record<string, unknown>;
      // A black pen's pixel (COLORREF 0) on a WHITENESS-filled bitmap (0xFFFFFF) where the line is not.
      expect(a).toMatchObject({ drew: true, onLine: 0, offLine: 0xffffff, inside: true, outside: false });
      // Device to logical with the viewport origin at (10, 20): (x - 10, y - 20), element by element; a count of 1 converts one.
      expect(a.converted).toEqual([[-10, -20], [5, 5], [-15, -13]]);
      expect(a.partly).toEqual([[-10, -20], [15, 25]]);
      expect(a.countBeyond).toMatchObject({ threw: 'RangeError', message: "DPtoLP(): argument 'c' exceeds the size of 'lppt' (in POINTs)" });
      expect(a.wrongRecord).toMatchObject({ threw: 'TypeError', message: expect.stringContaining("argument 'lppt' must be a StructArray of POINT") });
      const [left, top, right, bottom] = a.box as number[];
      expect([left, top]).toEqual([0, 0]);
      expect(right).toBeGreaterThan(5);
      expect(right).toBeLessThanOrEqual(10);
      expect(bottom).toBeGreaterThan(5);
      expect(bottom).toBeLessThanOrEqual(10);
    });

    it('takes one count for two arrays: by default what both hold, never more than either', () => {
      const s = r.sharedCounts as Record<string, unknown>;
      expect(s).toMatchObject({ converted: 2, convertedOne: 1, sameAsFirst: true, distinct: true });
      expect(s.countBeyond).toMatchObject({ threw: 'RangeError', message: "GetGlyphIndicesW(): argument 'c' exceeds the size of 'pgi' (in 2-byte elements)" });
      const widths = s.widths as number[];
      expect(widths.every((w) => w > 0)).toBe(true);
      expect(widths[0]! + widths[1]!).toBe(s.extent); // GetTextExtentPoint32W: no kerning, the advances' sum
    });

    it('holds memory to the metadata\'s fixed counts: 256 key states, a MAX_PATH path that must end in a NUL', () => {
      const c = r.fixedCounts as Record<string, unknown>;
      expect(c.allKeyStates).toBe(true);
      expect(c.keysShort).toMatchObject({ threw: 'RangeError', message: "GetKeyboardState(): argument 'lpKeyState' must hold 256 bytes" });
      expect(c.appended).toBe(true);
      expect(c.path).toBe(c.expected); // Node's path.win32.join of the same parts
      expect(c.unterminated).toMatchObject({ threw: 'RangeError', message: "PathAppendW(): argument 'pszPath' must hold a NUL within its first 260 characters" });
      expect(c.pathShort).toMatchObject({ threw: 'RangeError', message: "PathAppendW(): argument 'pszPath' must hold 260 characters (520 bytes)" });
    });

    it('returns the result unchecked where the metadata states no failure rule, with the last error read right after', () => {
      const u = r.uncheckedResults as Record<string, unknown>;
      // INVALID_FILE_ATTRIBUTES (0xFFFFFFFF, fileapi.h) and ERROR_FILE_NOT_FOUND for a missing file.
      expect(u).toMatchObject({ missing: 0xffffffff, missingError: 2, isDirectory: true });
      expect(String(u.windows).toLowerCase()).toBe(String(u.windir).toLowerCase()); // the environment's WINDIR
      expect(String(u.temp).replace(/\\$/, '').toLowerCase()).toBe(String(u.tmpdir).toLowerCase()); // Node's os.tmpdir()
      expect((u.drives as number) & (1 << 2)).not.toBe(0); // C: is a drive
    });

    it('answers bad input with TypeError/RangeError naming the argument, and never crashes', () => {
      expect(r.embeddedNul).toMatchObject({ threw: 'TypeError', message: "CreateFileW(): argument 'lpFileName' must not contain NUL characters" });
      expect(r.lengthBeyondBuffer).toMatchObject({ threw: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
      expect(r.lengthBeyondBuffer!.message).toContain("'nNumberOfBytesToRead'");
      expect(r.handleAsNumber).toMatchObject({ threw: 'TypeError', message: "CloseHandle(): argument 'hObject' must be a handle (bigint), received number" });
      expect(r.wrongType).toMatchObject({ threw: 'TypeError' });
      expect(r.sizeFieldBeyondBuffer).toMatchObject({ threw: 'RangeError', message: "GlobalMemoryStatusEx(): argument 'lpBuffer' has dwLength larger than its buffer" });
      expect(r.countedArrayBeyondBuffer).toMatchObject({ threw: 'RangeError', message: "AdjustTokenPrivileges(): argument 'NewState' has PrivilegeCount larger than its Privileges array's room in the buffer" });
      expect(r.overlappedRefused).toMatchObject({ threw: 'RangeError', message: "CreateFileW(): argument 'dwFlagsAndAttributes' must not include FILE_FLAG_OVERLAPPED" });
      const sweep = r.sweep as unknown as { functions: number; cases: number; failures: string[] };
      expect(sweep.failures).toEqual([]);
      expect(sweep.functions).toBeGreaterThanOrEqual(500);
      expect(sweep.cases).toBeGreaterThan(sweep.functions);
      expect(r.aliveAtEnd).toBe(true);
    });
  });
}

// The programs of examples/win32/, run as a user runs them on Windows (here a Windows Node under
// wine, against the win32-x64 binding), their effects checked from outside where there is one.
const x64 = matrix.get('win32-x64');
describe.skipIf(!windowsNodeReady(ROOT, x64))('examples/win32 under wine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysbind-win-examples-'));
  let node = '';
  let addon = '';
  beforeAll(() => {
    addon = buildWin32Addon({ root: ROOT, target: x64.name }).file;
    node = windowsNode(ROOT, x64, nodeVersion(x64));
  }, 240_000);
  const example = (name: string, ...args: string[]): string[] => {
    const script = transpileForWindows(ROOT, x64.name, join(ROOT, 'examples', 'win32', `${name}.ts`));
    const out = runUnderWine(ROOT, x64, node, [windowsPath(script), ...args], { NODE_SKIP_PLATFORM_CHECK: '1', SYSBIND_ADDON: windowsPath(addon) }, join(win32BuildDir(ROOT, x64.name), `example-${name}.out`));
    if (out.status !== 0) throw new Error(`examples/win32/${name}.ts exited ${out.status}:\n${out.output}`);
    return out.output.trim().split(/\r?\n/);
  };

  it('files.ts writes, reads back and sizes a file; Linux reads the same bytes', () => {
    const lines = example('files', windowsPath(dir));
    expect(lines).toEqual(['wrote 24 bytes, size 24, read back: hello from CreateFileW']);
    expect(readFileSync(join(dir, 'hello.txt'), 'utf8')).toBe('hello from CreateFileW\r\n');
  });

  it('virtual-memory.ts commits, protects (PAGE_READWRITE 4 -> PAGE_READONLY 2), queries and frees pages', () => {
    // The numbers are winnt.h's: MEM_COMMIT 0x1000, PAGE_READWRITE 4, PAGE_READONLY 2.
    expect(example('virtual-memory')).toEqual([
      `allocated 65536 bytes, sum ${65536 * 0x5a}`,
      'protection before 4, now 2, region 65536 bytes, state 4096',
      'after VirtualFree the view has 0 bytes',
    ]);
  });

  it('lazy-dll.ts: setupapi.dll enters the process at its first call, not when the addon loads', () => {
    const lines = example('lazy-dll');
    expect(lines[0]).toBe('setupapi.dll loaded before the first call: false');
    expect(lines[1]).toMatch(/^SetupGetNonInteractiveMode\(\) = (true|false)$|^SetupGetNonInteractiveMode\(\) failed: .*setupapi\.dll.*SetupGetNonInteractiveMode/);
    expect(lines[2]).toBe('setupapi.dll loaded after the first call: true');
  });

  it('privileges.ts looks up SeShutdownPrivilege (LUID 19, winnt.h SE_SHUTDOWN_PRIVILEGE), enables and disables it', () => {
    const lines = example('privileges', 'SeShutdownPrivilege');
    expect(lines[0]).toBe('SeShutdownPrivilege: LUID 0:19');
    // SE_PRIVILEGE_ENABLED is 2; the token lists the privilege disabled (0) before and after.
    expect(lines[1]).toBe('attributes before 0, enabled 2, disabled again 0');
  });

  it('service.ts installs, starts, interrogates, stops and deletes a service through wine\'s SCM; the service logs each step', () => {
    const exe = join(win32BuildDir(ROOT, x64.name), 'test-service.exe');
    const cc = spawnSync(`${x64.triple}-gcc`, ['-municode', '-O1', '-o', exe, join(ROOT, 'test', 'win32', 'fixtures', 'test-service.c'), '-ladvapi32'], { encoding: 'utf8' });
    expect(cc.stderr).toBe('');
    const log = join(dir, 'service.log');
    const name = `sysbind-example-${process.pid}`;
    const lines = example('service', name, `"${windowsPath(exe)}" "${windowsPath(log)}"`);
    expect(lines).toEqual([
      `created ${name}: STOPPED`,
      'started: RUNNING',
      'interrogated: RUNNING, accepts stop: true',
      'stopped: STOPPED',
      'the closed handle: TypeError',
      expect.stringMatching(/^deleted: ERROR_SERVICE_(DOES_NOT_EXIST|MARKED_FOR_DELETE)$/),
    ]);
    // What the service process itself saw, in order.
    expect(readFileSync(log, 'utf8').trim().split(/\r?\n/)).toEqual(['running', 'interrogate', 'stop', 'stopped']);
    rmSync(dir, { recursive: true, force: true });
  });
});
