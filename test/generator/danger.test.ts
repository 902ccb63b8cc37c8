/**
 * specs/linux/danger.yaml decides the names: on every Linux target, a call it
 * lists as unsafe is exported only as unsafe_<name>, a refused call not at
 * all, and the host's package (what users import) agrees. The three calls that
 * used to kill Node under plain names (uretprobe, arch_prctl, rt_sigreturn) are
 * checked in a child process importing the package as a user would.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import * as api from '../../generated/index.js';
import { ROOT } from '../helpers/root.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { loadLinuxSpecs } from '../../generator/spec/linux-specs.js';
import { buildLinuxModel } from '../../generator/spec/linux-model.js';

const danger = parseYaml(readFileSync(join(ROOT, 'specs', 'linux', 'danger.yaml'), 'utf8')) as { unsafe: Record<string, string>; refused: Record<string, string> };
const linux = loadTargets(join(ROOT, 'specs')).targets.filter((t) => t.platform === 'linux' && t.generate);

/** Function names a generated target exports, read from its syscalls.ts. */
function exportedFunctions(target: string): Set<string> {
  const text = readFileSync(join(ROOT, 'generated', target, 'syscalls.ts'), 'utf8');
  return new Set([...text.matchAll(/^export function (\w+)\(/gm)].map((m) => m[1]!));
}

/** Which syscalls a target's table has an implementation for. */
function implemented(target: string): Set<string> {
  const table = JSON.parse(readFileSync(join(ROOT, 'specs', 'linux', 'syscalls', `${target}.json`), 'utf8')) as { syscalls: { name: string; entry?: string | null }[] };
  return new Set(table.syscalls.filter((s) => s.entry && s.entry !== 'sys_ni_syscall').map((s) => s.name));
}

describe('danger classification', () => {
  it('every entry has a reason of its own', () => {
    for (const [name, reason] of [...Object.entries(danger.unsafe), ...Object.entries(danger.refused)]) {
      expect(reason.length, name).toBeGreaterThan(20);
    }
  });

  for (const t of linux) {
    it(`${t.name}: unsafe calls only as unsafe_<name>, refused calls not at all`, () => {
      const fns = exportedFunctions(t.name);
      const impl = implemented(t.name);
      let checked = 0;
      for (const name of Object.keys(danger.unsafe)) {
        expect(fns.has(name), `${name} exported under its plain name`).toBe(false);
        if (impl.has(name)) checked++;
      }
      for (const name of Object.keys(danger.refused)) {
        expect(fns.has(name), `${name}`).toBe(false);
        expect(fns.has(`unsafe_${name}`), `unsafe_${name}`).toBe(false);
      }
      // Curated calls keep their typed form under the unsafe name.
      if (impl.has('mprotect')) expect(fns.has('unsafe_mprotect')).toBe(true);
      expect(checked).toBeGreaterThan(10);
    });
  }

  it('the host package has none of them under a plain name', () => {
    const exported = api as unknown as Record<string, unknown>;
    for (const name of [...Object.keys(danger.unsafe), ...Object.keys(danger.refused)]) expect(exported[name], name).toBeUndefined();
    expect(typeof exported.unsafe_brk).toBe('function');
  });

  it('the calls that killed Node are gone from a user’s import; their unsafe_ forms report errors', () => {
    const script = `
      import * as sys from 'sysbind';
      const out = { uretprobe: typeof sys.uretprobe, arch_prctl: typeof sys.arch_prctl, rt_sigreturn: typeof sys.rt_sigreturn };
      // ARCH_GET_FS into a null address: the kernel refuses to write there (EFAULT), nothing is changed.
      if (sys.target === 'linux-x64') try { sys.unsafe_arch_prctl(0x1003, 0); } catch (e) { out.getFs = e.code; }
      console.log(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, string>;
    expect(out).toMatchObject({ uretprobe: 'undefined', arch_prctl: 'undefined', rt_sigreturn: 'undefined' });
    if (api.target === 'linux-x64') expect(out.getFs).toBe('EFAULT');
  });
});

describe('every unsafe_ call says why', () => {
  const specs = loadLinuxSpecs(join(ROOT, 'specs'));
  for (const target of linux) {
    it(`${target.name}: a danger.yaml reason, or the parameter the prototype leaves undescribed and what it leaves open`, () => {
      const model = buildLinuxModel(specs, target);
      const vague = model.syscalls
        .filter((s) => s.unsafeClass !== undefined)
        .filter((s) => {
          if (s.unsafeClass === 'danger') return s.unsafeReason !== danger.unsafe[s.kernelName ?? s.name];
          // The reason quotes one of the call's own parameters.
          const quoted = /: '(\w+)'/.exec(s.unsafeReason ?? '')?.[1];
          return !quoted || !s.params.some((p) => p.name === quoted);
        })
        .map((s) => `${s.name}: ${s.unsafeReason}`);
      expect(vague).toEqual([]);
    });
  }
});
