/**
 * `sysbind diff` between Debian's linux-source 6.1 and the committed specs
 * (imported from 6.12): the syscalls that really arrived between them are
 * listed as added on every Linux target, with the number each target's 6.12
 * table gives (those tables are checked against libseccomp in
 * syscall-table.test.ts), and nothing is reported removed or renumbered.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSpecs, formatDiffMarkdown } from '../../generator/diff/spec-diff.js';
import { runDiff } from '../../generator/diff/diff-command.js';
import { loadLinuxSpecs } from '../../generator/spec/linux-specs.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';

const TARBALL = '/usr/src/linux-source-6.1.tar.xz';
const ARRIVED = ['cachestat', 'fchmodat2', 'map_shadow_stack', 'futex_wake', 'futex_wait', 'futex_requeue', 'statmount', 'listmount', 'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', 'mseal'];
const have = existsSync(TARBALL);
if (!have && process.env.CI === 'true') throw new Error(`${TARBALL} is missing (Debian package linux-source-6.1): required under CI`);
if (!have) console.warn(`skipping: ${TARBALL} is not installed (Debian package linux-source-6.1)`);

describe.skipIf(!have)('diff 6.1 → 6.12', () => {
  it('lists the syscalls that arrived, with their numbers on every target', async () => {
    const md = await runDiff(ROOT, TARBALL, join(ROOT, 'specs'), true, () => {});
    const specs = loadLinuxSpecs(join(ROOT, 'specs'));
    const targets = loadTargets(join(ROOT, 'specs')).targets.filter((t) => t.platform === 'linux');
    const header = md.split('\n').find((l) => l.startsWith('| syscall |'))!;
    const columns = header.split('|').map((c) => c.trim());
    for (const name of ARRIVED) {
      const row = md.split('\n').find((l) => l.startsWith(`| ${name} |`));
      expect(row, name).toBeDefined();
      const cells = row!.split('|').map((c) => c.trim());
      for (const t of targets) {
        const nr = specs.table(t).data.syscalls.find((s) => s.name === name)?.nr;
        expect(cells[columns.indexOf(t.name)], `${name} on ${t.name}`).toBe(nr === undefined ? '' : String(nr));
      }
    }
    for (const t of targets) {
      const section = md.slice(md.indexOf(`## ${t.name} (kernel 6.1.`));
      expect(section).toMatch(/→ 6\.12\.\d+\)/);
      expect(section.split('\n')[2]).toMatch(/^\d+ syscalls added, 0 removed;/);
    }
  });

  it('reports nothing between a specs folder and itself', () => {
    const diffs = diffSpecs(join(ROOT, 'specs'), join(ROOT, 'specs'));
    for (const d of diffs) {
      expect([d.added, d.removed, d.renumbered, d.prototypeChanged, d.constants.changed]).toEqual([[], [], [], [], []]);
    }
    expect(formatDiffMarkdown(diffs)).not.toContain('| syscall |');
  });
});
