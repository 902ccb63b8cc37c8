/**
 * The generated smoke program of each Windows target (generated/<target>/smoke.cc)
 * calls real functions through the binding's own function pointer types, with
 * no Node in between, and prints what it saw. On win32-ia32 this is the check
 * that the stdcall and cdecl typedefs and the whole 64-bit arguments (a
 * LARGE_INTEGER seek past 4 GiB, a 64-bit cdecl argument) are right: there a
 * wrong convention unbalances the stack. 32-bit programs run under wine32, or
 * under wine64's WoW64 mode with wine32's DLLs unpacked into build/wine32.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTargets } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';
import { requireTool } from '../helpers/tools.js';
import { runUnderWine, windowsPath, wineRuns } from './wine.js';

const matrix = loadTargets(join(ROOT, 'specs'));

for (const name of ['win32-x64', 'win32-ia32']) {
  const target = matrix.get(name);
  const tools = requireTool(`${target.triple}-g++-posix`, 'mingw-w64') && requireTool('wine', 'wine');
  const runs = tools && wineRuns(ROOT, target);
  if (tools && !runs) console.warn(`skipping the ${name} smoke program: wine cannot start ${target.arch} programs (needs wine32:i386, or its DLLs in build/wine32: see .ci/run)`);
  const dir = join(ROOT, 'build', 'win32', name);
  /** Compiles a smoke program's source and runs it under wine. */
  const smoke = (source: string, stem: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${stem}.cc`), source);
    const exe = join(dir, `${stem}.exe`);
    const cc = spawnSync(`${target.triple}-g++-posix`, ['-O2', '-static', '-Wall', '-Wextra', '-Werror', '-o', exe, join(dir, `${stem}.cc`)], { encoding: 'utf8' });
    expect(cc.stderr).toBe('');
    return runUnderWine(ROOT, target, exe, [windowsPath(join(dir, `${stem}.bin`))], {}, join(dir, `${stem}.out`));
  };
  describe.skipIf(!runs)(`${name} smoke program under wine`, () => {
    const source = readFileSync(join(ROOT, 'generated', name, 'smoke.cc'), 'utf8');

    it('calls through the binding\'s function types: stdcall, cdecl, 64-bit arguments and results whole', () => {
      const out = smoke(source, 'smoke');
      expect(out.status, out.output).toBe(0);
      const lines = Object.fromEntries(out.output.trim().split(/\r?\n/).map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
      expect(Number(lines.pid)).toBeGreaterThan(0);
      expect(lines).toMatchObject({
        tick64: '1',
        lasterror: '183',
        dos: '2',
        create: '1',
        write: '1 10',
        seek: '1',
        position: String(2 ** 32 + 5),
        size: '10',
        close: '1',
        delete: '1',
        cdecl: '-1234567890123',
      });
    });

    // Only 32-bit x86 has a stdcall that differs from cdecl: elsewhere there is nothing to get wrong.
    if (target.dataModel === 'ILP32') {
      it('fails when a stdcall function is called as cdecl (the check can fail)', () => {
        const wrong = source.replace('(WINAPI *sbfn_SetFilePointerEx)', '(__cdecl *sbfn_SetFilePointerEx)');
        expect(wrong).not.toBe(source);
        const out = smoke(wrong, 'smoke-wrong');
        expect(out.status === 0 && out.output.includes('cdecl -1234567890123')).toBe(false);
      });
    }
  });
}
