/**
 * `npm run bench`: builds the C floor helper and the addons, measures every
 * implementation of every operation in interleaved rounds, times generation,
 * and writes the report to the terminal, bench/results.md and bench/results.svg.
 *
 *   npm run bench -- [--rounds N] [--sample-ms MS] [--generate-runs N] [--import-runs N]
 *                    [--no-instructions] [--no-write]
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildAll } from './build.js';
import { operations } from './cases.js';
import { batchOperations } from './batch-cases.js';
import { chart } from './chart.js';
import { createFixture } from './fixture.js';
import { CFloor } from './floor.js';
import { generationTimings } from './generation.js';
import { measure } from './harness.js';
import { instructionCounts, valgrindAvailable, type Counts } from './instructions.js';
import { propose } from './proto/propose.js';
import { markdownReport, terminalReport, type Meta } from './report.js';
import { rows, targets } from './results.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * On a shared machine, a higher scheduling priority keeps other load out of the
 * samples. Linux applies it per thread and new threads inherit it, so this runs
 * before libuv's thread pool starts.
 */
function raisePriority(): string {
  try {
    os.setPriority(-10);
    return 'nice -10';
  } catch {
    return `nice ${os.getPriority()} (raising the priority was not permitted)`;
  }
}

/**
 * Pins the main thread to the last CPU, so the C floor helper (forked from it,
 * inheriting the pin) runs under the same conditions as the JavaScript rows.
 * Runs once libuv's pool threads exist, so they keep every CPU and async calls
 * are not squeezed onto the main thread's. Returns what was done and its undo.
 */
function pinMainThread(): { note: string; unpin: () => void } {
  const cpus = os.availableParallelism();
  const pin = (list: string) => spawnSync('taskset', ['-p', '-c', list, String(process.pid)]).status === 0;
  if (cpus < 2 || !pin(String(cpus - 1))) return { note: 'not pinned', unpin: () => {} };
  return { note: `main thread and C floor on CPU ${cpus - 1}`, unpin: () => void pin(`0-${cpus - 1}`) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '31' },
      'sample-ms': { type: 'string', default: '5' },
      'generate-runs': { type: 'string', default: '3' },
      'import-runs': { type: 'string', default: '1' },
      'no-instructions': { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const rounds = Number(values.rounds);
  const sampleMs = Number(values['sample-ms']);
  const load0 = os.loadavg();
  const priority = raisePriority();

  console.error('building the C floor helper, the generated binding and the bench addons …');
  const built = buildAll(ROOT, propose);
  const fixture = await createFixture(built);
  const pin = pinMainThread(); // the fixture's fs.promises.open has started libuv's pool
  const calls = operations(fixture);
  const batch = batchOperations(fixture);
  const subjects = [...calls, ...batch].flatMap((o) => o.subjects);
  const floorOps = [...new Set(subjects.flatMap((s) => (s.floor === null ? [] : [s.floor ?? s.op])))];
  const floor = new CFloor(built.floor, built.dataFile, floorOps, sampleMs);

  console.error(`measuring ${subjects.length} subjects and ${floorOps.length} C floors in ${rounds} interleaved rounds …`);
  const timing = await measure(subjects, floor, { rounds, sampleMs, onRound: (r) => process.stderr.write(`\r  round ${r}/${rounds}`) });
  process.stderr.write('\n');
  pin.unpin();
  await fixture.close();
  const load1 = os.loadavg();

  let instructions: Counts | string = 'skipped (--no-instructions)';
  if (!values['no-instructions'] && !valgrindAvailable()) instructions = 'skipped: valgrind is not installed (Debian: valgrind)';
  else if (!values['no-instructions']) {
    console.error('counting instructions under callgrind (about a minute) …');
    instructions = instructionCounts(ROOT, built);
  }

  console.error('timing generation in a scratch copy …');
  const generation = generationTimings(ROOT, Number(values['generate-runs']), Number(values['import-runs']));

  const callResults = rows(calls, timing.subjects, timing.floors);
  const batchResults = rows(batch, timing.subjects, timing.floors);
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const meta: Meta = {
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    machine: `${cpu}, ${os.availableParallelism()} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${os.release()}, Node ${process.version} (V8 ${process.versions.v8})`,
    load: `${load0.map((l) => l.toFixed(2)).join(' ')} at start, ${load1.map((l) => l.toFixed(2)).join(' ')} after the timings`,
    method: `${rounds} interleaved rounds (shuffled order), ~${sampleMs} ms per sample; median of rounds (min–max); ${priority}, ${pin.note}`,
  };
  const report = {
    meta,
    calls: callResults,
    batch: batchResults,
    targets: targets(callResults, typeof instructions === 'string' ? null : instructions),
    generation,
    instructions,
  };
  console.log(terminalReport(report));
  if (!values['no-write']) {
    writeFileSync(new URL('./results.md', import.meta.url), markdownReport(report));
    writeFileSync(new URL('./results.svg', import.meta.url), chart([...callResults, ...batchResults], `${meta.date} · ${meta.machine}`));
    console.error('wrote bench/results.md and bench/results.svg');
  }
}

await main();
