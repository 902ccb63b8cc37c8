/**
 * Turns raw timings into what the report shows: per subject its time, the C
 * floor it is measured against and the overhead above it; per operation the
 * ratios between implementations; and the targets, each met or not.
 */
import type { Operation } from './cases.js';
import type { Stats, Subject } from './harness.js';
import type { Counts } from './instructions.js';

export interface Row {
  subject: Subject;
  time: Stats;
  /** The C floor for one iteration (null: the subject makes no syscall). */
  floor: number | null;
  /** Median time minus the floor. */
  overhead: number | null;
}

export interface OpResult {
  op: Operation;
  rows: Row[];
  /** Overhead ratios (null where a denominator is within noise of zero). */
  sysbindOverHand: number | null;
  proposedOverHand: number | null;
  koffiOverSysbind: number | null;
  /** Node's time / sysbind's time: above 1 means sysbind is faster. */
  nodeOverSysbind: number | null;
}

export interface Target {
  what: string;
  met: boolean;
  detail: string;
}

export function rows(ops: readonly Operation[], timings: Map<Subject, Stats>, floors: Map<string, Stats>): OpResult[] {
  return ops.map((op) => {
    const rs = op.subjects.map((subject): Row => {
      const floorOp = subject.floor === undefined ? op.id : subject.floor;
      const floorStats = floorOp === null ? undefined : floors.get(floorOp);
      if (floorOp !== null && !floorStats) throw new Error(`bench: no C floor measured for '${floorOp}'`);
      const floor = floorStats ? floorStats.median * (subject.floorTimes ?? 1) : null;
      const time = timings.get(subject)!;
      return { subject, time, floor, overhead: floor === null ? null : time.median - floor };
    });
    const by = (impl: string) => rs.find((r) => r.subject.impl === impl);
    const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b != null && a > 0 && b > 0 ? a / b : null);
    return {
      op,
      rows: rs,
      sysbindOverHand: ratio(by('sysbind')?.overhead, by('hand')?.overhead),
      proposedOverHand: ratio(by('proposed')?.overhead, by('hand')?.overhead),
      koffiOverSysbind: ratio(by('koffi')?.overhead, by('sysbind')?.overhead),
      nodeOverSysbind: ratio(by('node')?.time.median, by('sysbind')?.time.median),
    };
  });
}

const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));

/**
 * The targets, judged on the generated binding's times. Each detail also gives
 * the proposed changes' figure, and `counts` (callgrind) the instruction ratio.
 */
export function targets(results: readonly OpResult[], counts: Counts | null): Target[] {
  const get = (id: string) => results.find((r) => r.op.id === id)!;
  const row = (id: string, impl: string) => get(id).rows.find((r) => r.subject.impl === impl)!;
  const time = (id: string, impl: string) => row(id, impl).time.median;
  const syncOps = ['getpid', 'clock_gettime', 'pread64_64', 'pread64_64k', 'write_1', 'fstat', 'openat_close', 'openat_enoent'];
  const out: Target[] = syncOps.map((id) => {
    const r = get(id).sysbindOverHand;
    const sysOverhead = get(id).rows.find((row) => row.subject.impl === 'sysbind')!.overhead!;
    // A non-positive sysbind overhead means it is at the floor: nothing to beat.
    const met = sysOverhead <= 0 || (r !== null && r <= 1.15);
    const instr = counts?.get(id);
    const instrRatio = instr?.get('sysbind') && instr.get('hand') ? instr.get('sysbind')! / instr.get('hand')! : null;
    const instrText = instrRatio === null ? '' : `, instructions ${fmt(instrRatio)}`;
    return { what: `${get(id).op.title}: sysbind overhead ≤ 1.15 × hand-written`, met, detail: `ratio ${fmt(r)}${instrText}; proposed ${fmt(get(id).proposedOverHand)}` };
  });
  for (const id of ['getpid', 'pread64_64', 'pread64_64k']) {
    const r = get(id).koffiOverSysbind;
    const koffi = row(id, 'koffi').overhead;
    const proposed = row(id, 'proposed').overhead;
    const vsProposed = koffi !== null && proposed !== null && proposed > 0 ? koffi / proposed : null;
    out.push({ what: `${get(id).op.title}: koffi overhead ≥ 1.5 × sysbind`, met: r !== null && r >= 1.5, detail: `ratio ${fmt(r)}; over proposed ${fmt(vsProposed)}` });
  }
  for (const [id, node] of [
    ['pread64_64', 'fs.readSync'],
    ['fstat', 'fs.fstatSync'],
  ] as const) {
    const s = time(id, 'sysbind');
    const n = time(id, 'node');
    out.push({ what: `${get(id).op.title}: sysbind faster than ${node}`, met: s < n, detail: `${s.toFixed(0)} ns vs ${n.toFixed(0)} ns; proposed ${time(id, 'proposed').toFixed(0)} ns` });
  }
  const err = time('openat_enoent', 'sysbind');
  const ok = time('openat_close', 'sysbind');
  out.push({
    what: 'error path (openat ENOENT, caught) ≤ 2 × success path (openat + close)',
    met: err <= 2 * ok,
    detail: `${err.toFixed(0)} ns vs ${ok.toFixed(0)} ns: ${(err / ok).toFixed(2)}×; -errno form ${(time('openat_enoent', 'nothrow') / ok).toFixed(2)}×`,
  });
  return out;
}
