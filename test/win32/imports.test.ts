/**
 * Every bound function is exported by the DLL the spec names, with the
 * calling convention and parameter sizes the binding calls it with: each DLL
 * module's functions, declared as the binding's function pointer typedefs
 * declare them (emit/win32/imports-c.ts), must link against mingw-w64's import
 * library for that DLL alone. On win32-ia32 the import names carry the
 * convention and the argument bytes (`_SetFilePointerEx@20`: the 8-byte
 * LARGE_INTEGER passed whole), so this checks the stdcall/cdecl and 64-bit
 * argument paths too. A deliberately wrong declaration must fail to link.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileC } from '../../generator/audit/compile-c.js';
import { emitImportsC } from '../../generator/emit/win32/imports-c.js';
import type { Win32TargetModel } from '../../generator/model/win32.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { buildWin32Model } from '../../generator/spec/win32-model.js';
import { loadWin32Specs } from '../../generator/spec/win32-specs.js';
import { ROOT } from '../helpers/root.js';
import { requireTool } from '../helpers/tools.js';

const matrix = loadTargets(join(ROOT, 'specs'));
const specs = loadWin32Specs(join(ROOT, 'specs'));

/** Compiles the module's imports.c and links it into a DLL against only that module's import library. */
async function link(model: Win32TargetModel, module: string): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sysbind-imports-'));
  try {
    const object = join(dir, 'imports.o');
    const compiled = await compileC({ target: model.target, source: emitImportsC(model, module), mode: 'object', output: object, args: ['-Wall', '-Werror'] });
    if (!compiled.ok) return { ok: false, output: compiled.stderr };
    // The import library is named after the DLL without its extension (winspool.drv: libwinspool.a).
    const dll = model.modules.find((m) => m.module === module)!.dll;
    const lib = dll.toLowerCase().replace(/\.(dll|drv)$/, '');
    const r = spawnSync(`${model.target.triple}-gcc`, ['-shared', '-nostdlib', '-Wl,--entry=0', '-o', join(dir, 'imports.dll'), object, `-l${lib}`], { encoding: 'utf8' });
    return { ok: r.status === 0, output: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const name of ['win32-x64', 'win32-ia32']) {
  const target = matrix.get(name);
  describe.skipIf(!requireTool(`${target.triple}-gcc`, 'mingw-w64'))(`${name} imports`, () => {
    const model = buildWin32Model(specs, target);

    const absent = new Set(specs.headers.data.absentExports?.[name] ?? []);
    const only = (keep: (f: Win32TargetModel['functions'][number]) => boolean): Win32TargetModel => ({ ...model, functions: model.functions.filter(keep) });

    it.each(model.modules.map((m) => m.module))('every %s function links against its DLL import library', async (module) => {
      const r = await link(only((f) => !absent.has(f.name)), module);
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    });

    it('each function headers.yaml says the import libraries lack is bound and really fails to link', async () => {
      const listed = model.functions.filter((f) => absent.has(f.name));
      expect(listed.map((f) => f.name).sort()).toEqual([...absent].sort());
      for (const module of new Set(listed.map((f) => f.invoke.module))) {
        const r = await link(only((f) => absent.has(f.name)), module);
        expect(r.ok).toBe(false);
        for (const f of listed.filter((g) => g.invoke.module === module)) expect(r.output).toContain(`undefined reference to \`${f.name}`);
      }
    });

    it('fails to link a function with the wrong name, convention or argument size', async () => {
      const wrong = (change: (f: Win32TargetModel['functions'][number]) => object): Win32TargetModel => ({
        ...model,
        functions: model.functions.map((f) => (f.name === 'SetFilePointerEx' ? { ...f, ...change(f) } : f)),
      });
      const misnamed = await link(wrong(() => ({ name: 'SetFilePointerExX' })), 'kernel32');
      expect(misnamed.ok).toBe(false);
      expect(misnamed.output).toContain('SetFilePointerExX');
      if (target.dataModel !== 'ILP32') return;
      // x86 only: the import's name says cdecl or stdcall, and how many bytes of arguments.
      const cdecl = await link(wrong((f) => ({ invoke: { ...f.invoke, callingConvention: 'cdecl' } })), 'kernel32');
      expect(cdecl.ok).toBe(false);
      expect(cdecl.output).toContain('SetFilePointerEx');
      const split = await link(wrong((f) => ({ params: f.params.map((p) => (p.name === 'liDistanceToMove' ? { ...p, cType: 'int32_t', kind: { kind: 'int', type: { kind: 'int', int: { bits: 32, signed: true }, name: 'Int32' }, optional: false } } : p)) })), 'kernel32');
      expect(split.ok).toBe(false);
      expect(split.output).toContain('SetFilePointerEx@16');
    });
  });
}
