/**
 * Each emulator fault the safe-call fuzz forgives (emulator-bugs.ts) is shown
 * to be the emulator's: the same raw syscall from C gets an error from this
 * machine's kernel and faults the emulator. When an emulator release fixes one,
 * this test fails and the entry goes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { underEmulator } from '../../generator/cross/emulator.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { requireTool } from '../helpers/tools.js';
import { ROOT } from '../helpers/root.js';
import { EMULATOR_BUGS } from './emulator-bugs.js';
import { EMULATOR_FAULT } from './orchestrate.js';

const matrix = loadTargets(join(ROOT, 'specs'));

describe('emulator faults the fuzz forgives are the emulator’s', () => {
  for (const bug of EMULATOR_BUGS) {
    const t = matrix.get(bug.target);
    const cc = `${t.triple!}-gcc`;
    it.skipIf(!requireTool('gcc', 'build-essential') || !requireTool(cc, `gcc-${t.triple!}`) || !requireTool(t.emulator!.command, 'qemu-user-static'))(
      `${bug.target}: ${bug.call.source}: the kernel answers "${bug.kernelSays}"; ${t.emulator!.command} fails its own assertion`,
      () => {
        const dir = mkdtempSync(join(tmpdir(), 'sysbind-emulator-bug-'));
        try {
          writeFileSync(join(dir, 'bug.c'), bug.program);
          for (const [compiler, out] of [['gcc', 'native'], [cc, 'target']] as const) {
            const r = spawnSync(compiler, ['-O1', '-o', join(dir, out), join(dir, 'bug.c')], { encoding: 'utf8' });
            expect(r.status, r.stderr).toBe(0);
          }
          const native = spawnSync(join(dir, 'native'), { encoding: 'utf8' });
          expect(native.stdout.trim()).toBe(bug.kernelSays);
          const inv = underEmulator(t, join(dir, 'target'), []);
          const emulated = spawnSync(inv.command, inv.args, { encoding: 'utf8' });
          // glib prints the failed assertion to stderr, and as "Bail out! …" to stdout; the program never got to print.
          expect(emulated.stderr).toMatch(EMULATOR_FAULT);
          expect(emulated.stdout).not.toContain(bug.kernelSays);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      60_000,
    );
  }
});
