/**
 * Every Linux target's generated smoke.c — syscalls made by the spec's
 * numbers — is cross-compiled with the target's gcc and run under
 * qemu-<arch>-static (natively on the host's own target): each step must
 * show the kernel really did it. The errno values are checked against the
 * target's own constants spec, which differs per arch (ENOSYS is 89 on mips).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilerFor } from '../../generator/audit/compile-c.js';
import { loadLinuxSpecs } from '../../generator/spec/linux-specs.js';
import { hostTargetName, loadTargets, type Target } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';
import { requireTool } from '../helpers/tools.js';

const matrix = loadTargets(join(ROOT, 'specs'));
const specs = loadLinuxSpecs(join(ROOT, 'specs'));
const linux = matrix.targets.filter((t) => t.platform === 'linux' && t.generate);

function constant(t: Target, name: string): number {
  for (const f of Object.values(specs.constants(t).data.families)) for (const c of f.constants) if (c.name === name) return Number(c.value);
  throw new Error(`${t.name} has no ${name}`);
}

describe('generated smoke programs run on every Linux target', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysbind-smoke-'));
  const input = join(dir, 'input.txt');
  writeFileSync(input, 'sysbind-smoke');

  for (const t of linux) {
    const native = t.name === hostTargetName();
    const emulator = native ? null : t.emulator!.command;
    it.skipIf(!requireTool(`${t.triple}-gcc`, `gcc-${t.triple}`) || (emulator !== null && !requireTool(emulator, 'qemu-user-static')))(
      `${t.name}${native ? ' (native)' : ` under ${emulator}`}`,
      () => {
        const exe = join(dir, `smoke-${t.name}`);
        const cc = compilerFor(t);
        const build = spawnSync(cc.command, [...cc.args, '-static', '-O1', '-o', exe, join(ROOT, 'generated', t.name, 'smoke.c')], { encoding: 'utf8' });
        expect(build.status, build.stderr).toBe(0);
        const run = emulator ? spawnSync(emulator, [exe, input], { encoding: 'utf8' }) : spawnSync(exe, [input], { encoding: 'utf8' });
        expect(run.status, run.stderr).toBe(0);
        const lines = Object.fromEntries(
          run.stdout
            .trim()
            .split('\n')
            .filter((l) => l !== 'write-ok')
            .map((l) => [l.split(' ')[0], l.slice(l.indexOf(' ') + 1)]),
        );
        // qemu-user runs the guest in its own process: getpid is the child's pid.
        expect(Number(lines.getpid)).toBe(run.pid);
        expect(run.stdout).toContain('write-ok\n');
        expect(lines.write).toBe(String('write-ok\n'.length));
        expect(lines.read).toBe(`${readFileSync(input, 'utf8').length} ${readFileSync(input, 'utf8')}`);
        expect(lines.close).toBe('0');
        expect(lines.mmap).toBe('1');
        expect(lines.munmap).toBe('0');
        expect(Number(lines.enoent)).toBe(constant(t, 'ENOENT'));
        expect(Number(lines.enosys)).toBe(constant(t, 'ENOSYS'));
      },
    );
  }
});
