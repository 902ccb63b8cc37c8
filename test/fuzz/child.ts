/**
 * One batch of the safe-call fuzz, in its own process: calls functions
 * [from, to) of the package (every export that is a function and not
 * unsafe_, sync and async forms) with junk arguments from junk.ts.
 *
 *   node child.js '{"mode":"list"}'                      → prints the function names as JSON
 *   node child.js '{"mode":"run","seed":…,"from":…,"to":…,"skip":…,"calls":…,"progress":"…"}'
 *
 * Before each call a line `<call id>\t<function>(<args>)` is appended to the
 * progress file (opened by path each time: a junk close() may close any
 * descriptor this process holds), so whoever finds this process dead knows
 * the call that killed it. The last line is `done\t<summary JSON>`.
 * A watchdog thread interrupts (SIGUSR2, which this process catches) a call
 * that waits longer than it should: pause(), poll() with no timeout.
 */
import { appendFileSync, openSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { sys } from '../../generated/index.js';
import { CALL_ID_STRIDE, junkPool, pickArgs, rng, type Junk } from './junk.js';

type Fn = (...args: unknown[]) => unknown;
const api = sys as unknown as Record<string, unknown>;
const asyncApi = (sys as unknown as { async: Record<string, unknown> }).async;

/** Every safe function, in a fixed order: `name` or `async.name`. */
function safeFunctions(): { name: string; fn: Fn }[] {
  const out: { name: string; fn: Fn }[] = [];
  const isCall = (name: string, v: unknown): v is Fn => typeof v === 'function' && /^[a-z]/.test(name) && !name.startsWith('unsafe_');
  for (const name of Object.keys(api).sort()) if (isCall(name, api[name])) out.push({ name, fn: api[name] as Fn });
  for (const name of Object.keys(asyncApi).sort()) if (isCall(name, asyncApi[name])) out.push({ name: `async.${name}`, fn: asyncApi[name] as Fn });
  return out;
}

/** The package's struct classes (a junk struct of the wrong kind is a good test of each check). */
function structClasses(): (new () => unknown)[] {
  const Base = api.Struct as abstract new (...a: never[]) => unknown;
  return Object.keys(api)
    .sort()
    .map((k) => api[k])
    .filter((v): v is new () => unknown => typeof v === 'function' && v.prototype instanceof Base);
}

/** Fills a struct's (or struct array's) bytes from the seeded generator. */
function filled<T>(v: T, next: () => number): T {
  const bytes = (v as { bytes: Uint8Array }).bytes;
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
  return v;
}

interface RunArgs {
  mode: 'run';
  seed: number;
  from: number;
  to: number;
  /** Call ids below this are skipped (a restart after the call that ended the previous child). */
  skip: number;
  /** Junk calls per function with parameters (functions without any get 3). */
  calls: number;
  progress: string;
  asyncTimeoutMs: number;
  /** A call made first, to prove that a crash is caught and named (the test of the fuzz itself). */
  canary?: { name: string; args: number[] };
}

async function run(a: RunArgs): Promise<void> {
  const fns = safeFunctions();
  const classes = structClasses();
  const StructArray = api.StructArray as new (cls: unknown, n: number) => unknown;
  const devNull = openSync('/dev/null', 'r+');
  const devZero = openSync('/dev/zero', 'r+');

  // The watchdog: the main thread stores the start of each call (ms, 0 = idle);
  // the worker signals the process when one has run for more than 300 ms.
  const clock = new Float64Array(new SharedArrayBuffer(8));
  let interrupts = 0;
  process.on('SIGUSR2', () => interrupts++);
  const watchdog = new Worker(
    `const { workerData: { clock, pid } } = require('node:worker_threads');
     setInterval(() => { const t = clock[0]; if (t !== 0 && Date.now() - t > 300) process.kill(pid, 'SIGUSR2'); }, 100);`,
    { eval: true, workerData: { clock, pid: process.pid } },
  );
  watchdog.unref();

  if (a.canary) {
    appendFileSync(a.progress, `${a.from * CALL_ID_STRIDE}\t${a.canary.name}(${a.canary.args.join(', ')})\n`);
    try {
      (api[a.canary.name] as Fn)(...a.canary.args);
    } catch {}
  }
  let calls = 0;
  let threw = 0;
  let asyncPending = 0;
  for (let i = a.from; i < Math.min(a.to, fns.length); i++) {
    const { name, fn } = fns[i]!;
    const next = rng((a.seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    const n = fn.length === 0 ? 3 : a.calls;
    for (let k = 0; k < n; k++) {
      // Drawn even when skipped, so call k is the same call on every run.
      const klass = classes[Math.floor(next() * classes.length)]!;
      const extra: Junk[] = [
        { value: devNull, label: `${devNull} (/dev/null)` },
        { value: devZero, label: `${devZero} (/dev/zero)` },
        { value: new klass(), label: `new ${klass.name}()` },
        { value: new StructArray(klass, Math.floor(next() * 3)), label: `new StructArray(${klass.name}, …)` },
        // Bytes written directly: addresses and lengths no setter checked.
        { value: filled(new klass(), next), label: `${klass.name} of junk bytes` },
        { value: filled(new StructArray(klass, 1 + Math.floor(next() * 2)), next), label: `StructArray(${klass.name}) of junk bytes` },
      ];
      const args = pickArgs(next, junkPool(extra), Math.floor(next() * (fn.length + 3)));
      const id = i * CALL_ID_STRIDE + k;
      if (id < a.skip) continue;
      appendFileSync(a.progress, `${id}\t${name}(${args.map((x) => x.label).join(', ')})\n`);
      calls++;
      clock[0] = Date.now();
      try {
        const r = fn(...args.map((x) => x.value));
        if (r instanceof Promise) {
          clock[0] = 0; // the call itself runs on the thread pool, where no signal reaches it
          const settled = await Promise.race([
            r.then(() => 'ok', () => 'threw'),
            new Promise((res) => setTimeout(res, a.asyncTimeoutMs, 'pending').unref()),
          ]);
          if (settled === 'threw') threw++;
          if (settled === 'pending') asyncPending++;
        }
      } catch {
        threw++;
      }
      clock[0] = 0;
    }
  }
  appendFileSync(a.progress, `done\t${JSON.stringify({ calls, threw, asyncPending, interrupts })}\n`);
  process.exit(0);
}

const arg = JSON.parse(process.argv[2] ?? '{}') as { mode: 'list' } | RunArgs;
if (arg.mode === 'list') console.log(JSON.stringify(safeFunctions().map((f) => f.name)));
else if (arg.mode === 'run') await run(arg);
else throw new Error(`child.ts: unknown mode in ${process.argv[2]}`);
