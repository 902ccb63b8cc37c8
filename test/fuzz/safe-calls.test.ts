/**
 * Every exported function of the host's package whose name does not start
 * with unsafe_ (sync and async forms), called with junk arguments in
 * unprivileged child processes: none may crash or hang the process. The same
 * fuzz runs on the emulated targets' own Nodes in test/cross/release.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hostTargetName } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';
import { fuzzSafeCalls, isolationMissing, summary, type FuzzOptions } from './orchestrate.js';

const missing = isolationMissing();
if (missing) {
  if (process.env.CI === 'true') throw new Error(`${missing}: required under CI`);
  console.warn(`skipping the safe-call fuzz: ${missing}`);
}
const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const SEED = Number(process.env.SYSBIND_FUZZ_SEED ?? 0x5eed);

const host = hostTargetName();
const base: FuzzOptions = {
  target: host,
  invoke: (json) => ({ command: process.execPath, args: ['--import', TSX_LOADER, join(ROOT, 'test', 'fuzz', 'child.ts'), json] }),
  seed: SEED,
  callsPerFunction: 200,
  batchSize: 40,
  idleLimitMs: 10_000,
  asyncTimeoutMs: 1000,
};

/** A syscall's number on the host, from its table. */
const nr = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'specs', 'linux', 'syscalls', `${host}.json`), 'utf8')) as { syscalls: { name: string; nr: number }[] }).syscalls.find((s) => s.name === name)!.nr;

describe('safe calls survive junk arguments', () => {
  it.skipIf(missing !== undefined)('the fuzz catches a crash and names its call: unsafe_syscall(rt_sigreturn)', async () => {
    const canary = { name: 'unsafe_syscall', args: [nr('rt_sigreturn')] };
    const report = await fuzzSafeCalls({ ...base, callsPerFunction: 5, only: { from: 0, to: 2, canary } });
    expect(report.crashes).toEqual([{ call: `unsafe_syscall(${canary.args[0]})`, how: expect.stringMatching(/^killed by SIG(SEGV|BUS|ILL)$/) }]);
    // …and carries on after it: both functions were still called.
    expect(report.calls).toBeGreaterThan(5);
  }, 120_000);

  it.skipIf(missing !== undefined)(
    `${host}: every non-unsafe_ export, junk arguments (seed ${SEED}), unprivileged children: 0 crashes, 0 hangs`,
    async () => {
      const report = await fuzzSafeCalls(base);
      console.log(summary(report));
      expect(report.crashes).toEqual([]);
      expect(report.hangs).toEqual([]);
      expect(report.functions).toBeGreaterThan(150);
      expect(report.calls).toBeGreaterThan(report.functions * 100);
    },
    600_000,
  );
});
