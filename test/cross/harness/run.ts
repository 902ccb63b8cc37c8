/**
 * Runs compiled vitest-style test files on whichever Node runs this file — a
 * foreign-arch Node under qemu-user or wine, or the host's — with no vitest:
 * `import 'vitest'` resolves to vitest-shim.js. Files run one after another,
 * tests in order, hooks as vitest runs them.
 *
 *   node dist/test/cross/harness/run.js --json <report.json> <file.test.js>…
 *
 * Prints one line per test and closes with `N passed, N failed, N skipped`;
 * writes a SuiteReport (generator/cross/suite-report.ts) to --json.
 */
import { register } from 'node:module';
import { writeFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CaseResult, SuiteReport } from '../../../generator/cross/suite-report.js';
import { countStates } from '../../../generator/cross/suite-report.js';
import { notPortable } from './not-portable.js';
import { collectInto, newSuite, type Fn, type Suite } from './vitest-shim.js';

/** The suite's own limits (test/vitest.config.ts). */
const TEST_TIMEOUT = 120_000;
const HOOK_TIMEOUT = 300_000;

const TEST_DIR = fileURLToPath(new URL('../../', import.meta.url));
const target = `${process.platform}-${process.arch}`;
const results: CaseResult[] = [];

/** Runs fn, failing after `ms`. */
async function withTimeout(fn: Fn, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([Promise.resolve().then(fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const describeError = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e)).split('\n').slice(0, 6).join('\n');

function record(file: string, name: string, state: CaseResult['state'], ms: number, error?: unknown): void {
  push({ file, name, state, ms, ...(error === undefined ? {} : { error: describeError(error) }) });
}

function push(r: CaseResult): void {
  results.push(r);
  const mark = { passed: '✓', failed: '✗', skipped: '-', 'not-portable': '~' }[r.state];
  console.log(`${mark} ${r.file} > ${r.name} (${r.ms} ms)${r.state === 'not-portable' ? ` not portable: ${r.error}` : ''}`);
  if (r.state === 'failed') console.log(`    ${r.error?.replace(/\n/g, '\n    ')}`);
}

interface Each {
  before: Fn[];
  after: Fn[];
}

/** The full names of every case under a suite (to fail them all when its beforeAll fails). */
function casesOf(suite: Suite, prefix: string[]): string[] {
  return suite.children.flatMap((c) => (c.kind === 'case' ? [[...prefix, c.name].join(' > ')] : casesOf(c, [...prefix, c.name])));
}

async function runSuite(file: string, suite: Suite, path: string[], each: Each): Promise<void> {
  const names = suite.name ? [...path, suite.name] : path;
  const runnable = casesOf(suite, names).length > 0 && !suite.skip;
  let setupError: unknown;
  if (runnable) {
    for (const hook of suite.beforeAll) {
      try {
        await withTimeout(hook, HOOK_TIMEOUT, 'beforeAll');
      } catch (e) {
        setupError = e;
        break;
      }
    }
  }
  if (setupError !== undefined) {
    for (const name of casesOf(suite, names)) record(file, name, 'failed', 0, setupError);
  } else {
    const inner: Each = { before: [...each.before, ...suite.beforeEach], after: [...suite.afterEach, ...each.after] };
    for (const child of suite.children) {
      if (child.kind === 'suite') {
        await runSuite(file, child, names, inner);
        continue;
      }
      const name = [...names, child.name].join(' > ');
      if (child.skip) {
        record(file, name, 'skipped', 0);
        continue;
      }
      const listed = notPortable.find((n) => n.file === file && n.test === name && n.on.includes(target));
      if (listed) {
        push({ file, name, state: 'not-portable', ms: 0, error: listed.why });
        continue;
      }
      const started = Date.now();
      let error: unknown;
      try {
        for (const hook of inner.before) await withTimeout(hook, HOOK_TIMEOUT, 'beforeEach');
        await withTimeout(child.fn, child.timeout ?? TEST_TIMEOUT, 'test');
      } catch (e) {
        error = e;
      }
      for (const hook of inner.after) {
        try {
          await withTimeout(hook, HOOK_TIMEOUT, 'afterEach');
        } catch (e) {
          error ??= e;
        }
      }
      record(file, name, error === undefined ? 'passed' : 'failed', Date.now() - started, error);
    }
  }
  if (!runnable) return;
  for (const hook of suite.afterAll) {
    try {
      await withTimeout(hook, HOOK_TIMEOUT, 'afterAll');
    } catch (e) {
      record(file, [...names, 'afterAll'].join(' > '), 'failed', 0, e);
    }
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ options: { json: { type: 'string' } }, allowPositionals: true });
  register('./hooks.js', import.meta.url);
  const started = Date.now();
  for (const path of positionals) {
    const abs = resolve(path);
    const file = relative(TEST_DIR, abs).replace(/\.js$/, '.ts');
    const root = newSuite('');
    collectInto(root);
    try {
      await import(pathToFileURL(abs).href);
    } catch (e) {
      record(file, '(loading the file)', 'failed', 0, e);
      continue;
    }
    await runSuite(file, root, [], { before: [], after: [] });
  }
  const ran = new Set(results.map((r) => r.file));
  for (const n of notPortable) {
    if (ran.has(n.file) && n.on.includes(target) && !results.some((r) => r.file === n.file && r.name === n.test)) {
      push({ file: n.file, name: n.test, state: 'failed', ms: 0, error: 'listed in test/cross/harness/not-portable.ts for this target, but no such test ran: remove or rename the entry' });
    }
  }
  const report: SuiteReport = { target, node: process.version, endianness: endianness(), results, ms: Date.now() - started };
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 1));
  const c = countStates(results);
  console.log(`\n${target} on Node ${process.version} (${report.endianness}): ${c['not-portable']} not portable here`);
  console.log(`${c.passed} passed, ${c.failed} failed, ${c.skipped + c['not-portable']} skipped`);
  return c.failed > 0 ? 1 : 0;
}

// Exit explicitly: a handle a test left open must not keep an emulated Node alive.
process.exit(await main());
