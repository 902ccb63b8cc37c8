/**
 * The C floor as a round source: runs the helper program (bench/native/floor.c)
 * once per round for every floor op, with iteration counts calibrated so each
 * op's loop takes about as long as one JavaScript sample.
 */
import { spawnSync } from 'node:child_process';
import type { RoundSource } from './harness.js';

export class CFloor implements RoundSource {
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly binary: string,
    private readonly dataFile: string,
    ops: readonly string[],
    sampleMs: number,
  ) {
    const probe = this.run(ops.map((op) => [op, 2000]));
    for (const op of ops) this.counts.set(op, Math.max(1, Math.round((sampleMs * 1e6) / probe.get(op)!)));
  }

  sample(): Map<string, number> {
    return this.run([...this.counts]);
  }

  private run(counts: readonly (readonly [string, number])[]): Map<string, number> {
    const r = spawnSync(this.binary, [this.dataFile, ...counts.map(([op, n]) => `${op}:${n}`)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`C floor helper failed (exit ${r.status}): ${r.stderr || r.error?.message}`);
    const out = new Map<string, number>();
    for (const line of r.stdout.trim().split('\n')) {
      const [op, ns] = line.split(' ');
      out.set(op!, Number(ns));
    }
    return out;
  }
}
