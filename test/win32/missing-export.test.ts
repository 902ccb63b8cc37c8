/**
 * A function the system's DLL does not export, or a DLL that is not there, is
 * an Error when it is called, naming both, not a failure to load the addon:
 * DLLs load lazily from System32 and functions resolve on first call. Shown
 * with a scratch copy of the specs that binds two such functions, generated,
 * cross-built and run under wine next to functions that do exist.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildWin32Addon, win32BuildDir } from '../../generator/build-win32.js';
import { loadTargets } from '../../generator/spec/targets.js';
import type { SpecFunctionsFile } from '../../generator/spec/win32-spec-types.js';
import { stableJson } from '../../generator/util/stable-json.js';
import { ROOT, runCli, scratchRoot } from '../helpers/root.js';
import { runUnderWine, transpileForWindows, windowsNode, windowsPath, wineRuns, wineToolsPresent } from './wine.js';

const target = loadTargets(join(ROOT, 'specs')).get('win32-x64');
const ready = wineToolsPresent(target) && wineRuns(ROOT, target);

const SCRIPT = `
const api = (await import('../../generated/win32-x64/index.js')) as unknown as Record<string, Record<string, () => unknown>>;
const attempt = (f: () => unknown) => { try { return { value: f() }; } catch (e) { const x = e as Error & { code?: string }; return { threw: x.constructor.name, code: x.code, message: x.message }; } };
process.stdout.write('SYSBIND-RESULTS ' + JSON.stringify({
  loaded: typeof api.kernel32!.GetCurrentProcessId,
  missingExport: attempt(() => api.kernel32!.SysbindNoSuchExport!()),
  missingDll: attempt(() => api.sysbind_no_such!.SysbindNoSuchDll!()),
  stillWorks: attempt(() => api.kernel32!.GetCurrentProcessId!() === process.pid),
}) + '\\n');
`;

describe.skipIf(!ready)('functions a system lacks', () => {
  it('fail when called, naming the DLL and the function; the rest of the binding works', () => {
    const root = scratchRoot();
    symlinkSync(join(ROOT, 'CMakeLists.txt'), join(root, 'CMakeLists.txt'));
    // Bind GetTickCount64's signature under a name kernel32 lacks, and from a DLL that does not exist.
    const kernel32Path = join(root, 'specs', 'win32', 'functions', 'kernel32.json');
    const kernel32 = JSON.parse(readFileSync(kernel32Path, 'utf8')) as SpecFunctionsFile;
    const tick = kernel32.functions.find((f) => f.name === 'GetTickCount64')!;
    kernel32.functions.push({ ...tick, name: 'SysbindNoSuchExport' });
    writeFileSync(kernel32Path, stableJson(kernel32));
    writeFileSync(join(root, 'specs', 'win32', 'functions', 'sysbind_no_such.json'), stableJson({ ...kernel32, dll: 'sysbind-no-such.dll', functions: [{ ...tick, name: 'SysbindNoSuchDll' }] }));
    expect(runCli(root, ['generate', '--target', target.name]).stderr).not.toMatch(/error/i);

    const addon = buildWin32Addon({ root, target: target.name });
    const node = windowsNode(ROOT, target, process.versions.node);
    mkdirSync(join(root, 'test', 'win32'), { recursive: true });
    writeFileSync(join(root, 'test', 'win32', 'missing.ts'), SCRIPT);
    const script = transpileForWindows(root, target.name, join(root, 'test', 'win32', 'missing.ts'));
    const out = runUnderWine(ROOT, target, node, [windowsPath(script)], { NODE_SKIP_PLATFORM_CHECK: '1', SYSBIND_ADDON: windowsPath(addon.file) }, join(win32BuildDir(root, target.name), 'missing.out'));
    const line = out.output.split('\n').find((l) => l.startsWith('SYSBIND-RESULTS '));
    expect(line, out.output).toBeDefined();
    const r = JSON.parse(line!.slice('SYSBIND-RESULTS '.length)) as Record<string, unknown>;
    expect(r).toEqual({
      loaded: 'function',
      missingExport: { threw: 'Error', code: 'ERR_SYSBIND_MISSING_EXPORT', message: 'sysbind: KERNEL32.dll does not export SysbindNoSuchExport on this system' },
      missingDll: { threw: 'Error', code: 'ERR_SYSBIND_DLL_NOT_FOUND', message: 'sysbind: cannot load sysbind-no-such.dll from System32 (error 126)' },
      stillWorks: { value: true },
    });
  }, 120_000);
});
