/**
 * Runs inside a real Windows Node (under wine), against a generated Win32
 * binding: `node.exe wine-suite.js <target> <bad-input plan.json>`. It calls
 * the API for real (files, processes, memory, events, time, environment,
 * registry, errors, bad input) and prints one JSON line of observations;
 * test/win32/wine.test.ts asserts on them. Nothing here decides pass or fail.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, win32 } from 'node:path';
import type { BadInputPlan } from './suite-plan.js';

type Api = typeof import('../../generated/win32-x64/index.js');

const [target, planFile] = process.argv.slice(2) as [string, string];
const api = (await import(`../../generated/${target}/index.js`)) as Api;
const { kernel32: k, advapi32: adv, ntdll, user32 } = api;

const results: Record<string, unknown> = {};

/** A thrown value as plain data. */
function shape(e: unknown): Record<string, unknown> {
  const x = e as Record<string, unknown> & Error;
  return {
    threw: x?.constructor?.name ?? typeof e,
    message: x?.message,
    ...Object.fromEntries(['code', 'errno', 'status', 'syscall', 'path', 'dest'].filter((f) => x?.[f] !== undefined).map((f) => [f, x[f]])),
  };
}

/** Runs one case; records its value (bigints as strings) or what it threw. */
function record(name: string, fn: () => unknown): void {
  results[name] = outcome(fn);
}

/** What a call returned, or the shape of what it threw. */
function outcome(fn: () => unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(fn() ?? null, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
  } catch (e) {
    return shape(e);
  }
}

const utf16 = (s: string) => new Uint8Array(Uint16Array.from({ length: s.length + 1 }, (_, i) => (i < s.length ? s.charCodeAt(i) : 0)).buffer);
const dir = mkdtempSync(join(tmpdir(), 'sysbind-'));
const file = join(dir, 'data.bin');
const moved = join(dir, 'moved.bin');

// ---- files ----
record('file', () => {
  const h = k.CreateFileW(file, api.GENERIC_READ | api.GENERIC_WRITE, 0, null, api.CREATE_ALWAYS, api.FILE_ATTRIBUTE_NORMAL);
  const data = new TextEncoder().encode('hello from sysbind\n');
  const written = k.WriteFile(h, data);
  k.FlushFileBuffers(h);
  const size = k.GetFileSizeEx(h).QuadPart;
  const position = k.SetFilePointerEx(h, api.LARGE_INTEGER.of({ QuadPart: 0n }), undefined, api.FILE_BEGIN).QuadPart;
  const buffer = new Uint8Array(64);
  const read = k.ReadFile(h, buffer);
  const atEnd = k.ReadFile(h, buffer);
  const path = new Uint16Array(300);
  const pathLength = k.GetFinalPathNameByHandleW(h, path, undefined, api.VOLUME_NAME_DOS);
  k.CloseHandle(h);
  const attributes = k.GetFileAttributesExW(file, api.GetFileExInfoStandard);
  return {
    written,
    size,
    position,
    read,
    atEnd,
    text: new TextDecoder().decode(buffer.subarray(0, read)),
    nodeReadsSame: readFileSync(file, 'utf8') === 'hello from sysbind\n',
    finalPath: api.fromUtf16(path, pathLength),
    attributesSize: attributes.nFileSizeLow,
    isDirectory: (attributes.dwFileAttributes & api.FILE_ATTRIBUTE_DIRECTORY) !== 0,
  };
});
record('directory', () => {
  k.CreateDirectoryW(join(dir, 'sub'));
  k.MoveFileExW(file, moved, api.MOVEFILE_REPLACE_EXISTING);
  const data = new api.WIN32_FIND_DATAW();
  const names: string[] = [];
  const h = k.FindFirstFileW(join(dir, '*'), data);
  for (let d: InstanceType<Api['WIN32_FIND_DATAW']> | null = data; d; d = k.FindNextFileW(h, d)) names.push(d.cFileName);
  k.FindClose(h);
  return names.sort();
});
record('liveHandles', () => {
  // A tracked handle type: only values this binding returned and has not seen released get through.
  const out: Record<string, unknown> = {};
  const attempt = (label: string, fn: () => unknown) => {
    out[label] = outcome(fn);
  };
  attempt('junk', () => adv.QueryServiceStatus(0x12345678n as never));
  const scm = adv.OpenSCManagerW(null, null, api.SC_MANAGER_CONNECT);
  // The live handle passes the check and the call runs: the SCM answers for a service it does not have.
  attempt('live', () => adv.GetServiceDisplayNameW(scm, 'sysbind-no-such-service', new Uint16Array(64)));
  attempt('close', () => adv.CloseServiceHandle(scm));
  attempt('closeAgain', () => adv.CloseServiceHandle(scm));
  const find = k.FindFirstFileW(join(dir, '*'), new api.WIN32_FIND_DATAW());
  k.FindClose(find);
  attempt('findAfterClose', () => k.FindNextFileW(find, new api.WIN32_FIND_DATAW()));
  return out;
});
record('callbacks', () => {
  // Synchronous callbacks: the JS function runs during the call, on this thread, once per item.
  const pages: string[] = [];
  const completed = k.EnumSystemCodePagesW((cp) => pages.push(cp) > 0, api.CP_INSTALLED);
  const firstThree: string[] = [];
  const stopped = k.EnumSystemCodePagesW((cp) => firstThree.push(cp) < 3, api.CP_INSTALLED);
  // The system says the same pages are valid (IsValidCodePage is another entry point).
  const allValid = pages.every((cp) => k.IsValidCodePage(Number(cp)));
  // A nested enumeration inside a callback, and a JS exception that stops one and is rethrown.
  let nested = 0;
  k.EnumSystemCodePagesW(() => {
    k.EnumSystemCodePagesW(() => ++nested < 0, api.CP_INSTALLED);
    return false;
  }, api.CP_INSTALLED);
  const boom = new Error('from the callback');
  let calls = 0;
  let thrown: unknown;
  try {
    k.EnumSystemCodePagesW(() => {
      calls++;
      throw boom;
    }, api.CP_INSTALLED);
  } catch (e) {
    thrown = e;
  }
  const windows: boolean[] = [];
  user32.EnumWindows((hwnd) => windows.push(user32.IsWindow(hwnd)) > 0);
  return { count: pages.length, has1252: pages.includes('1252'), completed, firstThree: firstThree.length, stopped, allValid, nested, sameError: thrown === boom, calls, windowsAllReal: windows.every(Boolean) };
});
record('deleteThenDeleteAgain', () => {
  k.DeleteFileW(moved);
  k.DeleteFileW(moved);
});
record('openMissing', () => k.CreateFileW(join(dir, 'missing.txt'), api.GENERIC_READ, 0, null, api.OPEN_EXISTING, 0));
record('lastErrorSurvives', () => {
  // CREATE_ALWAYS on an existing file succeeds and sets ERROR_ALREADY_EXISTS; the binding
  // read it right after the call, so Node-API work since cannot have changed what we see.
  const h = k.CreateFileW(join(dir, 'again.bin'), api.GENERIC_WRITE, 0, null, api.CREATE_ALWAYS, 0);
  k.CloseHandle(h);
  const h2 = k.CreateFileW(join(dir, 'again.bin'), api.GENERIC_WRITE, 0, null, api.CREATE_ALWAYS, 0);
  const churn = Array.from({ length: 2000 }, (_, i) => ({ s: `x${i}`.repeat(20), b: new Uint8Array(64) })).length;
  const captured = api.lastError();
  k.CloseHandle(h2);
  let errno = 0;
  try {
    k.DeleteFileW(join(dir, 'never-there.bin'));
  } catch (e) {
    errno = (e as { errno: number }).errno;
  }
  return { captured, churn, errnoAfterChurn: errno };
});

// ---- processes ----
record('process', () => {
  const pid = k.GetCurrentProcessId();
  const h = k.OpenProcess(api.PROCESS_QUERY_LIMITED_INFORMATION, false, pid);
  const exit = k.GetExitCodeProcess(h);
  const times = k.GetProcessTimes(h);
  k.CloseHandle(h);
  return {
    pid,
    nodePid: process.pid,
    threadId: k.GetCurrentThreadId() > 0,
    exit,
    created: times.lpCreationTime.dwHighDateTime > 0,
    userTime: times.lpUserTime.dwHighDateTime * 2 ** 32 + times.lpUserTime.dwLowDateTime >= 0,
  };
});

// ---- memory ----
record('memory', () => {
  const info = k.GetSystemInfo();
  const mem = k.VirtualAlloc(65536, api.MEM_COMMIT | api.MEM_RESERVE, api.PAGE_READWRITE);
  for (let i = 0; i < mem.length; i++) mem[i] = i & 0xff;
  let sum = 0;
  for (const b of mem) sum += b;
  const mbi = k.VirtualQuery(mem);
  const old = k.VirtualProtect(mem, undefined, api.PAGE_READONLY);
  const readOnly = k.VirtualQuery(mem).Protect;
  k.VirtualProtect(mem, undefined, api.PAGE_READWRITE);
  const length = mem.length;
  k.VirtualFree(mem);
  let again: unknown = null;
  try {
    k.VirtualFree(mem);
  } catch (e) {
    again = shape(e);
  }
  const status = k.GlobalMemoryStatusEx();
  return {
    pageSize: info.dwPageSize,
    processors: info.dwNumberOfProcessors,
    length,
    sum,
    regionSize: mbi.RegionSize,
    state: mbi.State,
    protect: mbi.Protect,
    old,
    readOnly,
    lengthAfterFree: mem.length,
    freeAgain: again,
    totalPhys: status.ullTotalPhys > 0n,
    memoryLoad: status.dwMemoryLoad,
  };
});

// ---- events ----
record('events', () => {
  const a = k.CreateEventW(null, true, false, null);
  const b = k.CreateEventW(undefined, false, false);
  const before = k.WaitForSingleObject(a, 0);
  k.SetEvent(a);
  const after = k.WaitForSingleObject(a, 1000);
  k.ResetEvent(a);
  const none = k.WaitForMultipleObjects([a, b], false, 0);
  k.SetEvent(b);
  const second = k.WaitForMultipleObjects([a, b], false, 1000);
  k.CloseHandle(a);
  k.CloseHandle(b);
  let closed: unknown = null;
  try {
    k.SetEvent(a);
  } catch (e) {
    closed = shape(e);
  }
  return { before, after, none, second, closed };
});

// ---- time ----
record('time', () => {
  const ft = k.GetSystemTimeAsFileTime();
  const ticks = BigInt(ft.dwHighDateTime) * 2n ** 32n + BigInt(ft.dwLowDateTime);
  const unixMs = Number(ticks / 10000n - 11644473600000n);
  const c1 = k.QueryPerformanceCounter().QuadPart;
  const c2 = k.QueryPerformanceCounter().QuadPart;
  return {
    skewMs: Math.abs(unixMs - Date.now()),
    counterMonotonic: c2 >= c1,
    frequency: k.QueryPerformanceFrequency().QuadPart > 0n,
    tick: typeof k.GetTickCount64(),
  };
});

// ---- environment and system ----
record('environment', () => {
  const value = 'ünïcødé ✓ 𝄞 sysbind';
  k.SetEnvironmentVariableW('SYSBIND_TEST', value);
  const buffer = new Uint16Array(64);
  const n = k.GetEnvironmentVariableW('SYSBIND_TEST', buffer);
  const tooSmall = k.GetEnvironmentVariableW('SYSBIND_TEST', new Uint16Array(2));
  k.SetEnvironmentVariableW('SYSBIND_EMPTY', '');
  const empty = k.GetEnvironmentVariableW('SYSBIND_EMPTY', new Uint16Array(4));
  let missing: unknown = null;
  try {
    k.GetEnvironmentVariableW('SYSBIND_NOT_SET', buffer);
  } catch (e) {
    missing = shape(e);
  }
  const name = new Uint16Array(256);
  const nameLength = k.GetComputerNameExW(api.ComputerNameDnsHostname, name);
  return { roundTrip: api.fromUtf16(buffer, n) === value, n, tooSmall, empty, missing, nodeSees: process.env.SYSBIND_TEST === value, computerName: nameLength > 0 };
});
record('version', () => {
  const v = k.GetVersionExW();
  const rtl = ntdll.RtlGetVersion();
  return { major: v.dwMajorVersion, rtlMajor: rtl.dwMajorVersion, build: rtl.dwBuildNumber > 0, size: rtl.dwOSVersionInfoSize };
});

// ---- errors ----
record('errors', () => {
  const text = new Uint16Array(512);
  const n = k.FormatMessageW(api.FORMAT_MESSAGE_FROM_SYSTEM | api.FORMAT_MESSAGE_IGNORE_INSERTS, null, api.ERROR_FILE_NOT_FOUND, 0, text);
  const fromString = new Uint16Array(64);
  const m = k.FormatMessageW(api.FORMAT_MESSAGE_FROM_STRING | api.FORMAT_MESSAGE_IGNORE_INSERTS, 'sysbind %1 ok', 0, 0, fromString);
  k.SetLastError(1234);
  return {
    message: api.fromUtf16(text, n).trim(),
    fromString: api.fromUtf16(fromString, m),
    dos: ntdll.RtlNtStatusToDosError(api.STATUS_OBJECT_NAME_NOT_FOUND),
    names: [api.win32ErrorNames.get(2), api.ntStatusNames.get(api.STATUS_ACCESS_DENIED)],
  };
});
record('formatMessageForbiddenFlag', () => k.FormatMessageW(api.FORMAT_MESSAGE_FROM_SYSTEM | api.FORMAT_MESSAGE_ALLOCATE_BUFFER | api.FORMAT_MESSAGE_IGNORE_INSERTS, null, 2, 0, new Uint16Array(8)));
record('ntstatus', () => ntdll.NtQuerySystemInformation(api.SystemBasicInformation, new Uint8Array(4)));
// SYSTEM_BASIC_INFORMATION is 64 bytes on 64-bit Windows, 44 on 32-bit; the call wants the exact size.
record('ntstatusOk', () => ntdll.NtQuerySystemInformation(api.SystemBasicInformation, new Uint8Array(process.arch === 'ia32' ? 44 : 64)));

// ---- registry ----
record('registry', () => {
  const path = `Software\\sysbind-test-${process.pid}`;
  const created = adv.RegCreateKeyExW(api.HKEY_CURRENT_USER, path, null, api.REG_OPTION_NON_VOLATILE, api.KEY_ALL_ACCESS);
  const key = created.phkResult;
  adv.RegSetValueExW(key, 'text', api.REG_SZ, utf16('värde ✓'));
  adv.RegSetValueExW(key, 'number', api.REG_DWORD, new Uint8Array(new Uint32Array([0xc0ffee]).buffer));
  const number = new Uint8Array(4);
  const q1 = adv.RegQueryValueExW(key, 'number', number);
  const size = adv.RegQueryValueExW(key, 'text', null);
  const text = new Uint16Array(size.lpcbData / 2);
  const q2 = adv.RegQueryValueExW(key, 'text', text);
  adv.RegCloseKey(key);
  const again = adv.RegOpenKeyExW(api.HKEY_CURRENT_USER, path, 0, api.KEY_READ);
  adv.RegCloseKey(again);
  adv.RegDeleteKeyW(api.HKEY_CURRENT_USER, path);
  let gone: unknown = null;
  try {
    adv.RegOpenKeyExW(api.HKEY_CURRENT_USER, path, 0, api.KEY_READ);
  } catch (e) {
    gone = shape(e);
  }
  return {
    disposition: created.lpdwDisposition,
    numberType: q1.lpType,
    numberSize: q1.lpcbData,
    number: new Uint32Array(number.buffer)[0],
    textType: q2.lpType,
    text: api.fromUtf16(text),
    gone,
  };
});

// ---- bad input: specific cases, then every parameter of every function ----
record('recordArrays', () => {
  const g = api.gdi32;
  const points = (xy: [number, number][]) => api.StructArray.from(api.POINT, xy.map(([x, y]) => ({ x, y })));
  // Polyline draws through a POINT array on a white bitmap; GetPixel reads back what GDI drew.
  const hdc = g.CreateCompatibleDC(null);
  const bitmap = g.CreateCompatibleBitmap(hdc, 16, 16);
  const previous = g.SelectObject(hdc, bitmap);
  g.PatBlt(hdc, 0, 0, 16, 16, api.WHITENESS);
  const drew = g.Polyline(hdc, points([[1, 3], [12, 3]]));
  const onLine = g.GetPixel(hdc, 6, 3);
  const offLine = g.GetPixel(hdc, 6, 8);
  // DPtoLP rewrites every element: with the viewport origin at (10, 20), device (x, y) is logical (x - 10, y - 20).
  g.SetViewportOrgEx(hdc, 10, 20);
  const converted = points([[0, 0], [15, 25], [-5, 7]]);
  g.DPtoLP(hdc, converted);
  // A count smaller than the array converts only that many elements.
  const partly = points([[0, 0], [15, 25]]);
  g.DPtoLP(hdc, partly, 1);
  const countBeyond = outcome(() => g.DPtoLP(hdc, partly, 3));
  const wrongRecord = outcome(() => g.DPtoLP(hdc, new api.StructArray(api.RECT, 2) as never));
  g.SelectObject(hdc, previous);
  g.DeleteObject(bitmap);
  g.DeleteDC(hdc);
  // A region from a triangle's three points: its bounding box, and which points it holds.
  const region = g.CreatePolygonRgn(points([[0, 0], [10, 0], [0, 10]]), undefined, api.ALTERNATE);
  const box = new api.RECT();
  g.GetRgnBox(region, box);
  const inside = g.PtInRegion(region, 2, 2);
  const outside = g.PtInRegion(region, 8, 8);
  g.DeleteObject(region);
  return {
    drew,
    onLine,
    offLine,
    converted: [...converted].map((p) => [p.x, p.y]),
    partly: [...partly].map((p) => [p.x, p.y]),
    countBeyond,
    wrongRecord,
    box: [box.left, box.top, box.right, box.bottom],
    inside,
    outside,
  };
});
record('sharedCounts', () => {
  // One count of two arrays (the metadata names it for both): GetGlyphIndicesW's c counts lpstr's
  // characters and pgi's glyph indices; left out, it is what both hold.
  const g = api.gdi32;
  const hdc = g.CreateCompatibleDC(null);
  const text = Uint16Array.from('AB', (ch) => ch.charCodeAt(0));
  const glyphs = new Uint16Array(2);
  const converted = g.GetGlyphIndicesW(hdc, text, undefined, glyphs, 0);
  const one = new Uint16Array(1);
  const convertedOne = g.GetGlyphIndicesW(hdc, text, undefined, one, 0);
  const countBeyond = outcome(() => g.GetGlyphIndicesW(hdc, text, 2, one, 0));
  // The advance widths of those glyphs (piWidths counted by cgi with pgi) add up to the string's extent.
  const widths = new Int32Array(2);
  g.GetCharWidthI(hdc, 0, undefined, glyphs, new Uint8Array(widths.buffer));
  const extent = new api.SIZE();
  g.GetTextExtentPoint32W(hdc, text, undefined, extent);
  g.DeleteDC(hdc);
  return { converted, convertedOne, sameAsFirst: one[0] === glyphs[0], distinct: glyphs[0] !== glyphs[1], countBeyond, widths: [...widths], extent: extent.cx };
});
record('fixedCounts', () => {
  // GetKeyboardState always writes 256 bytes (the metadata's CountConst): a shorter buffer is refused before the call.
  const keys = new Uint8Array(256).fill(0xee);
  api.user32.GetKeyboardState(keys);
  const keysShort = outcome(() => api.user32.GetKeyboardState(new Uint8Array(255)));
  // PathAppendW reads and rewrites a MAX_PATH (260-character) buffer holding a NUL-terminated path.
  const path = new Uint16Array(260);
  const start = 'C:\\sysbind\\dir';
  for (let i = 0; i < start.length; i++) path[i] = start.charCodeAt(i);
  const appended = api.shlwapi.PathAppendW(path, 'file.txt');
  const unterminated = outcome(() => api.shlwapi.PathAppendW(new Uint16Array(260).fill(0x41), 'x'));
  const pathShort = outcome(() => api.shlwapi.PathAppendW(new Uint16Array(259), 'x'));
  return {
    // Each key's byte is its down (0x80) and toggled (0x01) bits: no 0xee is left where all 256 were written.
    allKeyStates: keys.every((b) => (b & ~0x81) === 0),
    keysShort,
    appended,
    path: api.fromUtf16(path),
    expected: win32.join(start, 'file.txt'),
    unterminated,
    pathShort,
  };
});
record('uncheckedResults', () => {
  // Functions whose failure rule the metadata does not state return their result unchecked; the
  // last error is read right after the call all the same.
  const missing = k.GetFileAttributesW(join(dir, 'not-there.txt'));
  const missingError = api.lastError();
  const directory = k.GetFileAttributesW(dir);
  const windows = new Uint16Array(260);
  const n = k.GetWindowsDirectoryW(windows);
  const temp = new Uint16Array(260);
  const m = k.GetTempPathW(temp);
  return {
    missing: missing >>> 0,
    missingError,
    isDirectory: (directory & api.FILE_ATTRIBUTE_DIRECTORY) !== 0,
    windows: api.fromUtf16(windows, n),
    windir: process.env.WINDIR ?? process.env.SystemRoot,
    temp: api.fromUtf16(temp, m),
    tmpdir: tmpdir(),
    drives: k.GetLogicalDrives(),
  };
});
record('embeddedNul', () => k.CreateFileW('C:\\a\0b', api.GENERIC_READ, 0, null, api.OPEN_EXISTING, 0));
record('lengthBeyondBuffer', () => k.ReadFile(-1n as never, new Uint8Array(4), 5));
record('handleAsNumber', () => k.CloseHandle(5 as never));
record('wrongType', () => k.CreateFileW(42 as never, 0, 0, null, api.OPEN_EXISTING, 0));
record('sizeFieldBeyondBuffer', () => {
  const status = new api.MEMORYSTATUSEX();
  status.dwLength = 4096; // the callee would write 4096 bytes into a 64-byte record
  return k.GlobalMemoryStatusEx(status);
});
record('countedArrayBeyondBuffer', () => {
  const token = adv.OpenProcessToken(k.GetCurrentProcess(), api.TOKEN_QUERY | api.TOKEN_ADJUST_PRIVILEGES);
  const privileges = new api.TOKEN_PRIVILEGES();
  privileges.PrivilegeCount = 5; // room for one: the callee would read four more past the buffer
  try {
    return adv.AdjustTokenPrivileges(token, false, privileges);
  } finally {
    k.CloseHandle(token);
  }
});
record('overlappedRefused', () => k.CreateFileW(file, api.GENERIC_READ, 0, null, api.OPEN_ALWAYS, api.FILE_FLAG_OVERLAPPED));

const plan = JSON.parse(readFileSync(planFile, 'utf8')) as BadInputPlan;
const sweep = { functions: 0, cases: 0, failures: [] as string[] };
const liveMapping = k.VirtualAlloc(4096, api.MEM_COMMIT | api.MEM_RESERVE, api.PAGE_READWRITE);
const detached = () => {
  const b = new Uint8Array(16);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
};
const apiValues = api as unknown as Record<string, new () => unknown>;
function valid(kind: string, value: unknown, count?: number): unknown {
  if (kind === 'struct') return new apiValues[value as string]!();
  if (kind === 'records') return new api.StructArray(apiValues[value as string] as never, count ?? 1);
  if (kind === 'bytes') return new Uint8Array(value as number);
  if (kind === 'utf16') return new Uint16Array(value as number);
  if (kind === 'mapping') return liveMapping;
  if (kind === 'handle') return 0n;
  if (kind === 'handles') return [];
  if (kind === 'string') return 'C:\\sysbind-not-there';
  if (kind === 'bool') return false;
  if (kind === 'callback') return () => false;
  return value;
}
/** Memory one element short of the metadata's fixed count. */
function tooShort(p: BadInputPlan[number]['params'][number]): [unknown, 'RangeError'][] {
  if (p.count === undefined || p.count === 0) return [];
  if (p.kind === 'bytes') return [[new Uint8Array(p.count - 1), 'RangeError']];
  if (p.kind === 'utf16') return [[new Uint16Array(p.count - 1), 'RangeError']];
  if (p.kind === 'records') return [[new api.StructArray(apiValues[p.valid as string] as never, p.count - 1), 'RangeError']];
  return [];
}
const bad: Record<string, [unknown, 'TypeError' | 'RangeError'][]> = {
  int: [['1', 'TypeError'], [{}, 'TypeError'], [1.5, 'RangeError'], [NaN, 'RangeError'], [2 ** 70, 'RangeError'], [2n ** 70n, 'RangeError']],
  cell: [['1', 'TypeError'], [{}, 'TypeError'], [1.5, 'RangeError'], [NaN, 'RangeError'], [2 ** 70, 'RangeError'], [1n, 'TypeError']],
  uint: [[-1, 'RangeError']],
  float: [['1', 'TypeError'], [{}, 'TypeError'], [1n, 'TypeError']],
  bool: [['yes', 'TypeError'], [{}, 'TypeError']],
  handle: [[1, 'TypeError'], ['x', 'TypeError'], [2n ** 70n, 'RangeError']],
  string: [[1, 'TypeError'], [{}, 'TypeError'], ['a\0b', 'TypeError']],
  bytes: [['x', 'TypeError'], [1, 'TypeError'], [detached(), 'TypeError']],
  utf16: [['x', 'TypeError'], [detached(), 'TypeError']],
  struct: [[{}, 'TypeError'], [new Uint8Array(4), 'TypeError']],
  records: [[{}, 'TypeError'], [new Uint8Array(4), 'TypeError'], [[], 'TypeError']],
  handles: [['x', 'TypeError'], [[1], 'TypeError']],
  length: [['x', 'TypeError'], [2 ** 31, 'RangeError']],
  mapping: [[new Uint8Array(16), 'TypeError'], ['x', 'TypeError']],
  callback: [[1, 'TypeError'], ['x', 'TypeError'], [{}, 'TypeError']],
};
for (const f of plan) {
  const [mod, name] = f.fn.split('.') as [string, string];
  const fn = (api as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[mod]![name]!;
  if (f.params.length > 0) sweep.functions++;
  f.params.forEach((p, i) => {
    const cases = [...(bad[p.kind] ?? []), ...((p.kind === 'int' || p.kind === 'cell') && p.unsigned ? bad.uint! : []), ...tooShort(p)];
    for (const [value, expected] of cases) {
      sweep.cases++;
      const args = f.params.map((q, j) => (j === i ? value : valid(q.kind, q.valid, q.count)));
      const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' && value !== null ? value.constructor.name : String(value);
      const label = `${f.fn}(${p.name} = ${shown})`;
      try {
        fn(...args);
        sweep.failures.push(`${label}: did not throw`);
      } catch (e) {
        const err = e as Error;
        if (err.constructor.name !== expected || !err.message.includes(`'${p.name}`)) sweep.failures.push(`${label}: ${err.constructor.name}: ${err.message}`);
      }
    }
  });
}
k.VirtualFree(liveMapping);
results.sweep = sweep;
results.aliveAtEnd = true;
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`SYSBIND-RESULTS ${JSON.stringify(results)}\n`);
