/**
 * Runs the safe-call fuzz (child.ts) for one target in batches of child
 * processes, each unprivileged (uid nobody, no capabilities) in a PID
 * namespace of its own (so kill(-1, …) reaches nothing outside it), stdin
 * /dev/null. A child that dies is named by the last line of its progress file
 * and restarted after that call, so every call of every batch runs.
 *
 * What ends a child, and what it counts as:
 *  - any death or exit the next point does not explain: a crash;
 *  - no progress for idleLimitMs: a hang (the child's own watchdog already
 *    interrupts waiting calls, so a hang is a real one);
 *  - a signal it sent itself with a signal-sending call whose arguments hold
 *    that signal's number (kill(own pid, S)), or a stop it so caused: counted
 *    apart, as process.kill(process.pid, S) would be: the call did what it was
 *    asked;
 *  - the emulator failing one of its own assertions (qemu-user's TCG prints
 *    "ERROR:…: assertion failed" and exits 127; qemu-arm does so for
 *    bind(fd, NULL, 0)): counted apart as an emulator fault, and the same
 *    call run once more in a new child (a fault that recurs is recorded again
 *    and passed over). The caller decides which faults are known emulator bugs
 *    (test/fuzz/emulator-bugs.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALL_ID_STRIDE } from './junk.js';

export interface Invocation {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface FuzzOptions {
  target: string;
  /** How to run child.ts (or its compiled child.js) with one JSON argument. */
  invoke: (json: string) => Invocation;
  seed: number;
  callsPerFunction: number;
  batchSize: number;
  idleLimitMs: number;
  asyncTimeoutMs: number;
  /** Only these functions (by index in the list), and a call made first in each child: for testing the fuzz itself. */
  only?: { from: number; to: number; canary: { name: string; args: number[] } };
}

export interface Incident {
  call: string;
  how: string;
}

export interface FuzzReport {
  target: string;
  functions: number;
  calls: number;
  threw: number;
  asyncPending: number;
  interrupts: number;
  children: number;
  crashes: Incident[];
  hangs: Incident[];
  selfSignalled: Incident[];
  emulatorFaults: Incident[];
  ms: number;
}

/** Calls that may signal their own process when asked to (the pid namespace keeps them from reaching others). */
const SIGNALLERS = /^(async\.)?(kill|tkill|tgkill|rt_sigqueueinfo|rt_tgsigqueueinfo|pidfd_send_signal)\(/;

/** Whether the fuzz can isolate its children here: root, unshare and setpriv. */
export function isolationMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'the fuzz drops privileges with setpriv and needs root to do it';
  const r = spawnSync('unshare', ['--pid', '--fork', '--kill-child', '--', 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', 'true']);
  if (r.status !== 0) return `unshare --pid/setpriv do not work here (${r.error?.message ?? r.stderr.toString().trim()}) (Debian package util-linux)`;
  return undefined;
}

function isolated(inv: Invocation): Invocation {
  // sh stays as the namespace's init (pid 1) so the child is an ordinary process
  // (pid 2) whose death by a signal sh reports as 128+signal.
  return {
    command: 'unshare',
    args: [
      '--pid', '--fork', '--kill-child', '--',
      'sh', '-c', '"$@"; exit $?', 'sh',
      'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--',
      inv.command, ...inv.args,
    ],
    env: inv.env,
  };
}

function listFunctions(opts: FuzzOptions): string[] {
  const inv = opts.invoke(JSON.stringify({ mode: 'list' }));
  const r = spawnSync(inv.command, inv.args, { encoding: 'utf8', env: inv.env, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${opts.target}: listing the functions failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as string[];
}

/**
 * qemu-user's own assertion failures, as glib's g_assert prints them
 * ("ERROR:../../accel/tcg/cpu-exec.c:954:cpu_exec: assertion failed: (…)",
 * under a test harness prefixed "Bail out! "), as opposed to the guest's death.
 */
export const EMULATOR_FAULT = /^(?:Bail out! )?(ERROR:\S+\.c:\d+:\w+: assertion failed.*)$/m;

const signalName = (n: number) => Object.entries(constants.signals).find(([, v]) => v === n)?.[0] ?? `signal ${n}`;

interface ChildEnd {
  code: number | null;
  signal: string | null;
  hung: boolean;
  stderr: string;
}

/**
 * The last `max` bytes of a file. The child's stderr is a regular file, and a
 * junk pwrite64/ftruncate/fallocate on fd 2 may extend it to gigabytes of zeros.
 */
function tailOf(path: string, max: number): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, max));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    return buf.toString('utf8').replace(/\0+/g, '');
  } finally {
    closeSync(fd);
  }
}

/** Runs one child to its end, its stderr kept in a file; resolves with how it ended. */
function runChild(inv: Invocation, cwd: string, progress: string, idleLimitMs: number): Promise<ChildEnd> {
  const stderrFile = `${progress}.stderr`;
  const stderrFd = openSync(stderrFile, 'w');
  return new Promise((resolve) => {
    const child = spawn(inv.command, inv.args, { cwd, env: inv.env, stdio: ['ignore', 'ignore', stderrFd], detached: true });
    closeSync(stderrFd);
    let size = -1;
    let idleSince = Date.now();
    let hung = false;
    const timer = setInterval(() => {
      const now = existsSync(progress) ? readFileSync(progress).length : 0;
      if (now !== size) {
        size = now;
        idleSince = Date.now();
      } else if (Date.now() - idleSince > idleLimitMs) {
        hung = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {}
      }
    }, 250);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, hung, stderr: tailOf(stderrFile, 1 << 20) });
    });
  });
}

export async function fuzzSafeCalls(opts: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const names = listFunctions(opts);
  const dir = mkdtempSync(join(tmpdir(), `sysbind-fuzz-${opts.target}-`));
  chmodSync(dir, 0o777); // the children run as nobody and write their progress here
  const report: FuzzReport = {
    target: opts.target, functions: names.length, calls: 0, threw: 0, asyncPending: 0, interrupts: 0, children: 0,
    crashes: [], hangs: [], selfSignalled: [], emulatorFaults: [], ms: 0,
  };
  try {
    const [first, end] = opts.only ? [opts.only.from, opts.only.to] : [0, names.length];
    for (let from = first; from < end; from += opts.batchSize) {
      const to = Math.min(from + opts.batchSize, end);
      let skip = 0;
      let lastFault: string | undefined; // the call id of the previous child's emulator fault
      for (let attempt = 0; ; attempt++) {
        if (attempt > 100) throw new Error(`${opts.target}: batch ${from}–${to} restarted 100 times`);
        const progress = join(dir, `progress-${from}-${attempt}.txt`);
        const canary = attempt === 0 ? opts.only?.canary : undefined;
        const json = JSON.stringify({ mode: 'run', seed: opts.seed, from, to, skip, calls: opts.callsPerFunction, progress, asyncTimeoutMs: opts.asyncTimeoutMs, canary });
        const end = await runChild(isolated(opts.invoke(json)), dir, progress, opts.idleLimitMs);
        report.children++;
        const lines = existsSync(progress) ? readFileSync(progress, 'utf8').trimEnd().split('\n').filter(Boolean) : [];
        const last = lines.at(-1);
        if (last?.startsWith('done\t')) {
          const s = JSON.parse(last.slice(5)) as { calls: number; threw: number; asyncPending: number; interrupts: number };
          report.calls += s.calls;
          report.threw += s.threw;
          report.asyncPending += s.asyncPending;
          report.interrupts += s.interrupts;
          break;
        }
        report.calls += lines.length;
        const [idText, call = '(before its first call)'] = (last ?? '').split('\t');
        // sh reports a death by signal S as exit status 128 + S.
        const signal = end.code !== null && end.code > 128 ? signalName(end.code - 128) : end.signal;
        const fault = end.hung ? undefined : EMULATOR_FAULT.exec(end.stderr)?.[1];
        const lastWords = end.stderr.trim().split('\n').at(-1)?.slice(0, 300);
        const how = end.hung ? `no progress for ${opts.idleLimitMs} ms` : fault ? `emulator fault: ${fault}` : signal ? `killed by ${signal}` : `exited with ${end.code}${lastWords ? ` (its stderr ends: ${lastWords})` : ''}`;
        const incident = { call, how };
        // A signaller whose arguments hold the very signal it died of (or that stopped it) did what it was asked.
        const number = signal ? (constants.signals as Record<string, number>)[signal] : undefined;
        const asked = number !== undefined && new RegExp(`[(, ]${number}[ ,)]`).test(call);
        const retry = fault !== undefined && last !== undefined && idText !== lastFault;
        if (fault !== undefined) report.emulatorFaults.push(incident);
        else if (SIGNALLERS.test(call) && (end.hung || asked)) report.selfSignalled.push(incident);
        else if (end.hung) report.hangs.push(incident);
        else report.crashes.push(incident);
        lastFault = retry ? idText : undefined;
        if (!last) break; // it died before calling anything: nothing to skip past
        // After an emulator fault the call runs again; after anything else, the next one.
        skip = Number(idText) + (retry ? 0 : 1);
        if (Math.floor(skip / CALL_ID_STRIDE) >= to) break;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report.ms = Date.now() - started;
  return report;
}

export function summary(r: FuzzReport): string {
  const list = (what: string, xs: Incident[]) => (xs.length ? `\n  ${what}:\n${xs.map((x) => `    ${x.call} — ${x.how}`).join('\n')}` : '');
  return (
    `${r.target}: ${r.functions} functions, ${r.calls} junk calls (${r.threw} threw, ${r.asyncPending} async still pending, ${r.interrupts} waits interrupted) ` +
    `in ${r.children} children, ${(r.ms / 1000).toFixed(1)} s: ${r.crashes.length} crashes, ${r.hangs.length} hangs, ${r.selfSignalled.length} ended by a signal they sent themselves, ${r.emulatorFaults.length} emulator faults` +
    list('crashes', r.crashes) + list('hangs', r.hangs) + list('self-signalled', r.selfSignalled) + list('emulator faults (each call run again)', r.emulatorFaults)
  );
}
