/**
 * The Win32 audit: each Windows target's committed audit.c compiles clean
 * against mingw-w64's headers (x86_64-w64-mingw32-gcc, i686-w64-mingw32-gcc,
 * clang --target=aarch64-w64-mingw32 with the headers' include directory):
 * every record size, alignment, field offset and size, and every constant the
 * headers define, equals the spec. A deliberately wrong spec yields exactly
 * the listed mismatches, with the compiler's values and the spec lines.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditTarget } from '../../generator/audit/run-audit.js';
import { loadTargets, type Target } from '../../generator/spec/targets.js';
import { ROOT, runCli, scratchRoot } from '../helpers/root.js';
import { requireTool } from '../helpers/tools.js';

const matrix = loadTargets(join(ROOT, 'specs'));

/** The compiler the audit will use for a target: its mingw gcc, or clang where none exists (arm64). */
function compilerPresent(target: Target): boolean {
  return target.arch === 'arm64' ? requireTool('clang', 'clang') : requireTool(`${target.triple}-gcc`, 'mingw-w64');
}

for (const name of ['win32-x64', 'win32-ia32', 'win32-arm64']) {
  const target = matrix.get(name);
  describe.skipIf(!compilerPresent(target))(`audit of ${name}`, () => {
    it('is clean: every record layout and every constant the headers define matches', async () => {
      const r = await auditTarget(ROOT, target);
      expect(r.errors).toEqual([]);
      expect(r.mismatches).toEqual([]);
      expect(r.assertions).toBeGreaterThan(6000);
      // What the headers lack is listed, not passed silently: constants newer than
      // mingw-w64's headers (and fields specs/win32/headers.yaml names as absent).
      const checked = r.assertions - r.notInHeaders.length;
      expect(checked).toBeGreaterThan(3500);
      for (const n of r.notInHeaders) expect(['constant', 'field', 'record']).toContain(n.kind);
    });
  });
}

describe.skipIf(!requireTool('x86_64-w64-mingw32-gcc', 'mingw-w64'))('a deliberately wrong Win32 spec', () => {
  it('is reported item by item, with the compiler\'s value and the spec line', () => {
    const root = scratchRoot();
    const edit = (file: string, from: string, to: string) => {
      const path = join(root, file);
      const text = readFileSync(path, 'utf8');
      expect(text.includes(from), `${file} contains ${from}`).toBe(true);
      writeFileSync(path, text.replace(from, to));
      return text.slice(0, text.indexOf(from)).split('\n').length;
    };
    const types = 'specs/win32/types.json';
    // A 2-byte dwLowDateTime: its size is wrong, but dwHighDateTime (4-aligned) and the size of FILETIME stay.
    const fieldLine = edit(types, '{"name": "dwLowDateTime", "type": "UInt32"}', '{"name": "dwLowDateTime", "type": "UInt16"}');
    const shareLine = edit(types, '{"name": "FILE_SHARE_READ", "value": 1}', '{"name": "FILE_SHARE_READ", "value": 8}');
    const constants = 'specs/win32/constants.json';
    const maxPathLine = edit(constants, '"name": "MAX_PATH", "namespace": "Foundation", "type": "UInt32", "value": 260', '"name": "MAX_PATH", "namespace": "Foundation", "type": "UInt32", "value": 261');
    expect(runCli(root, ['generate', '--target', 'win32-x64']).status).toBe(0);
    const r = runCli(root, ['audit', '--target', 'win32-x64', '--json']);
    expect(r.status).toBe(1);
    const [result] = JSON.parse(r.stdout) as { mismatches: { kind: string; item: string; expected: string; actual: string; place: string }[] }[];
    const found = result!.mismatches.map((m) => `${m.kind} ${m.item} ${m.expected}→${m.actual} ${m.place}`);
    expect([...found].sort()).toEqual(
      [
        `fieldsize FILETIME.dwLowDateTime 2→4 ${types}:${fieldLine}`,
        `constant FILE_SHARE_READ 8→1 ${types}:${shareLine}`,
        `constant MAX_PATH 261→260 ${constants}:${maxPathLine}`,
      ].sort(),
    );
  });
});
