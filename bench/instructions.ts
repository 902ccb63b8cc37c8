/**
 * Instruction counts: every synchronous subject run under valgrind's callgrind,
 * counters zeroed before and dumped after a loop of calls, so each row gets
 * user-space instructions per call (JavaScript, Node-API, the addon, libc; the
 * kernel is invisible to valgrind). Unlike times, these do not move with the
 * load of a shared machine, so they show where overhead comes from.
 *
 * This file is both sides: `instructionCounts()` starts valgrind on this file
 * (`node --import tsx bench/instructions.ts <built.json>`), and run that way it
 * measures the subjects, using the bench addon's callgrind client requests.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Built } from './build.js';

const WARMUP = 5000;
const CALLS = 10000;

/** op id → impl → instructions per iteration. */
export type Counts = Map<string, Map<string, number>>;

export function valgrindAvailable(): boolean {
  return spawnSync('valgrind', ['--version']).status === 0;
}

export function instructionCounts(root: string, built: Built): Counts {
  const dir = join(root, 'build', 'bench', 'callgrind');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(
    'valgrind',
    // --predictable: V8 compiles and collects on the main thread, so no background work lands in a count.
    ['--tool=callgrind', `--callgrind-out-file=${join(dir, 'cg.out')}`, '--dump-instr=no', process.execPath, '--predictable', '--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(built)],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  if (r.status !== 0) throw new Error(`bench: callgrind run failed (exit ${r.status}):\n${r.stderr.split('\n').slice(-20).join('\n')}`);
  const counts: Counts = new Map();
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    const label = /^desc: Trigger: Client Request: (\S+)\/(\S+)$/m.exec(text);
    const total = /^(?:summary|totals): (\d+)/m.exec(text);
    if (!label || !total) continue;
    const [, op, impl] = label;
    if (!counts.has(op!)) counts.set(op!, new Map());
    counts.get(op!)!.set(impl!, Number(total[1]) / CALLS);
  }
  return counts;
}

/** Under valgrind: runs each synchronous subject between a counter reset and a labelled dump. */
async function measureUnderCallgrind(built: Built): Promise<void> {
  const { createFixture } = await import('./fixture.js');
  const { operations } = await import('./cases.js');
  const { batchOperations } = await import('./batch-cases.js');
  const fixture = await createFixture(built);
  const { callgrind } = fixture;
  const subjects = [...operations(fixture), ...batchOperations(fixture)].filter((o) => !o.async).flatMap((o) => o.subjects);
  for (const s of subjects) for (let i = 0; i < 2; i++) await s.run(WARMUP);
  // The first dump also holds everything before the first zeroing: a throwaway label without '/'.
  callgrind.zero();
  callgrind.dump('startup');
  for (const s of subjects) {
    callgrind.zero();
    await s.run(CALLS);
    callgrind.dump(`${s.op}/${s.impl}`);
  }
  await fixture.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await measureUnderCallgrind(JSON.parse(process.argv[2]!) as Built);
