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

  // A stand-in child that fails the way qemu-user does when its own assertion
  // trips: once (then the call is run again and dies as the others), or every
  // time (run once more, then passed over).
  const fakeEmulator = (faults: 'once' | 'always'): FuzzOptions['invoke'] => (json) => ({
    command: process.execPath,
    args: ['-e', `
      const fs = require('node:fs');
      const a = JSON.parse(process.argv[1]);
      if (a.mode === 'list') { console.log(JSON.stringify(['f'])); process.exit(0); }
      fs.appendFileSync(a.progress, a.skip + '\\tf(' + a.skip + ')\\n');
      const marker = 'faulted-' + a.skip;
      if (a.skip === 3 && (${JSON.stringify(faults)} === 'always' || !fs.existsSync(marker))) {
        fs.writeFileSync(marker, '');
        process.stderr.write('**\\nERROR:../../accel/tcg/cpu-exec.c:954:cpu_exec: assertion failed: (cpu == current_cpu)\\n');
        process.exit(127);
      }
      if (a.skip < 5) process.kill(process.pid, 'SIGSEGV');
      fs.appendFileSync(a.progress, 'done\\t' + JSON.stringify({ calls: 0, threw: 0, asyncPending: 0, interrupts: 0 }) + '\\n');
    `, json],
  });

  it.skipIf(missing !== undefined)("an emulator's own assertion is reported apart, not as a crash, and the call is run once more", async () => {
    const opts = { ...base, callsPerFunction: 1, idleLimitMs: 30_000 };
    const once = await fuzzSafeCalls({ ...opts, invoke: fakeEmulator('once') });
    expect(once.emulatorFaults).toEqual([{ call: 'f(3)', how: expect.stringMatching(/^emulator fault: ERROR:.*cpu_exec/) }]);
    expect(once.crashes.map((c) => c.call)).toEqual(['f(0)', 'f(1)', 'f(2)', 'f(3)', 'f(4)']); // f(3) ran again, and died as the others
    const always = await fuzzSafeCalls({ ...opts, invoke: fakeEmulator('always') });
    expect(always.emulatorFaults.map((c) => c.call)).toEqual(['f(3)', 'f(3)']); // run once more, then passed over
    expect(always.crashes.map((c) => c.call)).toEqual(['f(0)', 'f(1)', 'f(2)', 'f(4)']);
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
