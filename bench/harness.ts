/**
 * Timing: each subject runs its operation n times per sample, with n calibrated
 * so a sample takes about `sampleMs`; samples are taken in interleaved rounds
 * (every subject once per round, in a shuffled order), so machine drift hits
 * all subjects alike. A subject's result is the median of its rounds, with the
 * min and max as the spread.
 */

/** Where subjects put every result, so the JIT cannot drop a call as unused. */
export const sink: { value: unknown } = { value: undefined };

/** One benchmarked implementation of one operation. */
export interface Subject {
  /** Operation id (also the C floor op subtracted from it unless `floor` says otherwise). */
  op: string;
  /** Implementation id: 'sysbind', 'hand', 'koffi', 'node', … */
  impl: string;
  /** What exactly runs, for the report. */
  label: string;
  /** The C floor op this subject's overhead is measured against (default: `op`; null: it makes no syscall). */
  floor?: string | null;
  /** The floor op runs this many times per iteration (default 1). */
  floorTimes?: number;
  /** Syscalls per iteration (a batch runs several), for per-syscall figures. */
  calls?: number;
  /** Runs the operation n times; async subjects return a promise. */
  run(n: number): void | Promise<void>;
}

/** Something measured once per round as a whole (the C floor helper). */
export interface RoundSource {
  /** ns per call for every op it measures, taken fresh each round. */
  sample(): Map<string, number>;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
}

export interface Options {
  rounds: number;
  sampleMs: number;
  /** Called after each round, for progress output. */
  onRound?: (round: number) => void;
}

async function timeRun(run: Subject['run'], n: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  const p = run(n);
  if (p) await p;
  return Number(process.hrtime.bigint() - t0);
}

/** Iterations that make one sample take about `sampleMs` (the first tries also warm up the JIT). */
async function calibrate(s: Subject, sampleMs: number): Promise<number> {
  const target = sampleMs * 1e6;
  let n = 1;
  for (;;) {
    const t = await timeRun(s.run, n);
    if (t >= target / 8 || n >= 1 << 26) return Math.max(1, Math.round((n * target) / Math.max(t, 1)));
    n *= 4;
  }
}

/** A deterministic shuffle (mulberry32), so runs are reproducible. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function stats(samples: readonly number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
}

/** Runs every subject and the round source in interleaved rounds; ns per iteration. */
export async function measure(
  subjects: readonly Subject[],
  source: RoundSource,
  opts: Options,
): Promise<{ subjects: Map<Subject, Stats>; floors: Map<string, Stats> }> {
  const iterations = new Map<Subject, number>();
  for (const s of subjects) {
    // Many short runs first, so the JIT optimises each loop as a whole function rather than by
    // on-stack replacement in the middle of one long run.
    for (let i = 0; i < 100; i++) await s.run(10);
    await calibrate(s, opts.sampleMs);
    iterations.set(s, await calibrate(s, opts.sampleMs));
  }
  const samples = new Map<Subject, number[]>(subjects.map((s) => [s, []]));
  const floorSamples = new Map<string, number[]>();
  const entries: (Subject | 'floor')[] = [...subjects, 'floor'];
  for (let round = 0; round < opts.rounds; round++) {
    for (const e of shuffled(entries, round + 1)) {
      if (e === 'floor') {
        for (const [op, ns] of source.sample()) floorSamples.set(op, [...(floorSamples.get(op) ?? []), ns]);
        continue;
      }
      const n = iterations.get(e)!;
      samples.get(e)!.push((await timeRun(e.run, n)) / n);
    }
    opts.onRound?.(round + 1);
  }
  return {
    subjects: new Map(subjects.map((s) => [s, stats(samples.get(s)!)])),
    floors: new Map([...floorSamples].map(([op, v]) => [op, stats(v)])),
  };
}
