/**
 * `sysbind diff` between two sets of Win32 specs: a copy of the committed
 * specs with one function removed, one constant changed and a field added to
 * FILETIME reports exactly those, and the layouts FILETIME has before the
 * change are the ones mingw-w64's <windows.h> gives it; the committed specs
 * against themselves report nothing.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateConstants } from '../../generator/audit/compile-c.js';
import { runDiff } from '../../generator/diff/diff-command.js';
import { diffWin32Specs } from '../../generator/diff/win32-diff.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';
import { hasCompilerFor, systemHeaderArgs } from '../helpers/tools.js';

const SPECS = join(ROOT, 'specs');
const changed = mkdtempSync(join(tmpdir(), 'sysbind-win32-diff-'));
afterAll(() => rmSync(changed, { recursive: true, force: true }));

function editJson(file: string, edit: (data: any) => void): void {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  edit(data);
  writeFileSync(file, JSON.stringify(data, null, 2));
}

cpSync(SPECS, changed, { recursive: true });
const removedFunction = 'GetTickCount64';
let constant = { name: '', before: '' };
editJson(join(changed, 'win32/functions/kernel32.json'), (d) => {
  d.functions = d.functions.filter((f: { name: string }) => f.name !== removedFunction);
});
editJson(join(changed, 'win32/constants.json'), (d) => {
  const c = d.constants.find((x: { value: unknown }) => typeof x.value === 'number');
  constant = { name: c.name, before: String(c.value) };
  c.value = Number(c.value) + 1;
});
editJson(join(changed, 'win32/types.json'), (d) => {
  d.records.find((r: { name: string }) => r.name === 'FILETIME').fields.push({ name: 'dwExtra', type: 'UInt64' });
});

describe('sysbind diff (Win32)', () => {
  it('reports the removed function, the changed constant and the new layouts, per target', async () => {
    const d = diffWin32Specs(SPECS, changed);
    expect(d.functions.removed.map((c) => c.name)).toEqual([removedFunction]);
    expect(d.functions.added).toEqual([]);
    expect(d.constants.changed).toEqual([{ name: constant.name, before: constant.before, after: String(Number(constant.before) + 1) }]);
    const windows = loadTargets(SPECS).targets.filter((t) => t.platform === 'win32');
    expect(d.layouts.map((l) => l.target).sort()).toEqual(windows.map((t) => t.name).sort());
    for (const t of windows) {
      const filetime = d.layouts.find((l) => l.target === t.name)!.changed.find((c) => c.name === 'FILETIME');
      expect(filetime, t.name).toBeDefined();
      // The "before" side is what the compiler gives the real FILETIME.
      if (!hasCompilerFor(t)) continue;
      const [size, align] = await evaluateConstants(t, '#include <windows.h>', ['sizeof(FILETIME)', '_Alignof(FILETIME)'], systemHeaderArgs(t));
      expect(filetime!.before, t.name).toBe(`size ${size}, align ${align}`);
    }
    const text = await runDiff(ROOT, SPECS, changed, false, () => {});
    expect(text).toContain(`- 1 functions removed: ${removedFunction}`);
    expect(text).toMatch(/win32-x64: FILETIME size 8, align 4 → size 16, align 8/);
  });

  it('reports nothing between the specs and themselves', () => {
    const d = diffWin32Specs(SPECS, SPECS);
    expect([d.functions, d.constants]).toEqual([{ added: [], removed: [], changed: [] }, { added: [], removed: [], changed: [] }]);
    expect(d.layouts.flatMap((l) => l.changed)).toEqual([]);
  });
});
