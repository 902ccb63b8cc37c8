/**
 * Generation speed, measured in a scratch copy of the repository (copies of
 * specs/, generated/ and package.json, links to templates/, generator/ and
 * node_modules, SYSBIND_ROOT pointing at it, as test/helpers/root.ts does), so
 * the repository's own generated/ and specs/ are never written:
 *  - `sysbind generate --all`: every target from specs, whole process wall time;
 *  - `sysbind import linux --kernel-src <tarball>`: a kernel tree into specs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stats, type Stats } from './harness.js';

export const KERNEL_TARBALL = '/usr/src/linux-source-6.12.tar.xz';

export interface Timing {
  command: string;
  ms: Stats | null;
  runs: number;
  /** The CLI's own last line (what it did), or why the timing was skipped. */
  note: string;
}

function scratchRoot(root: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sysbind-bench-root-'));
  for (const d of ['specs', 'generated', 'package.json']) cpSync(join(root, d), join(dir, d), { recursive: true });
  for (const l of ['templates', 'generator', 'node_modules']) symlinkSync(join(root, l), join(dir, l));
  return dir;
}

/** The CLI's summary line, cut to fit a table cell: lists in parentheses elided, then the middle if still long. */
function summary(line: string): string {
  const short = line.replace(/\([^)]*\)/g, '(…)');
  return short.length <= 100 ? short : `${short.slice(0, 45).replace(/\s\S*$/, '')} … ${short.slice(-50).replace(/^\S*\s/, '')}`;
}

function time(root: string, scratch: string, args: string[], runs: number): Timing {
  const command = `sysbind ${args.join(' ')}`;
  const samples: number[] = [];
  let note = '';
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(root, 'generator', 'bin', 'sysbind.mjs'), ...args], {
      cwd: scratch,
      env: { ...process.env, SYSBIND_ROOT: scratch },
      encoding: 'utf8',
    });
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) return { command, ms: null, runs: 0, note: `failed (exit ${r.status}): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
    note = summary(`${r.stderr}\n${r.stdout}`.trim().split('\n').pop() ?? '');
  }
  return { command, ms: stats(samples), runs, note };
}

export function generationTimings(root: string, generateRuns: number, importRuns: number): Timing[] {
  const scratch = scratchRoot(root);
  try {
    const out = [time(root, scratch, ['generate', '--all'], generateRuns)];
    const importArgs = ['import', 'linux', '--kernel-src', KERNEL_TARBALL];
    if (importRuns === 0) out.push({ command: `sysbind ${importArgs.join(' ')}`, ms: null, runs: 0, note: 'skipped (--import-runs 0)' });
    else if (!existsSync(KERNEL_TARBALL)) out.push({ command: `sysbind ${importArgs.join(' ')}`, ms: null, runs: 0, note: `skipped: ${KERNEL_TARBALL} is missing (Debian: linux-source-6.12)` });
    else out.push(time(root, scratch, importArgs, importRuns));
    return out;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
