/**
 * The target matrix, measured: for every target in specs/targets.yaml,
 * whether generated/<target>/ is current, whether the audit is clean, whether
 * its addon (cross-)builds into prebuilds/, and what ran — the compiled suite
 * on the target's own Node under its emulator (natively on the host); for a
 * Linux target with no Node on npm, its C smoke program under qemu
 * (test/linux-targets/smoke.test.ts); for Windows, the Win32 suite on a
 * Windows Node under wine (test/win32/wine.test.ts) — with the test counts and
 * the time of every step. A step that cannot apply says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditTarget } from '../audit/run-audit.js';
import { SysbindError, ToolchainError } from '../errors.js';
import { renderTargetAsWritten } from '../generate.js';
import { hostTargetName, loadTargets, type Target } from '../spec/targets.js';
import { foreignNode } from './foreign-node.js';
import { buildPrebuild } from './prebuild.js';
import { countStates } from './suite-report.js';
import { compileSuite, runSuite, suiteFiles } from './suite-run.js';
import { runVitestFile } from './vitest-run.js';

export interface Step {
  status: 'ok' | 'failed' | 'skipped';
  detail: string;
  ms: number;
}

export interface TestCounts {
  passed: number;
  failed: number;
  /** Listed in test/cross/harness/not-portable.ts for this target (not run). */
  notPortable: number;
  skipped: number;
}

export interface MatrixRow {
  target: string;
  generated: Step;
  audit: Step;
  built: Step;
  ran: Step;
  tests: TestCounts | null;
}

export interface Matrix {
  rows: MatrixRow[];
  /** Compiling the suite to JS once, before any run. */
  compileMs: number;
  totalMs: number;
}

const skipped = (detail: string): Step => ({ status: 'skipped', detail, ms: 0 });

/** Runs one step: its time, and its failure as a `failed` step (a missing tool too, under CI=true). */
async function timed(run: () => Promise<Omit<Step, 'ms'>> | Omit<Step, 'ms'>): Promise<Step> {
  const started = Date.now();
  try {
    return { ...(await run()), ms: Date.now() - started };
  } catch (e) {
    if (!(e instanceof SysbindError)) throw e;
    const missing = e instanceof ToolchainError && process.env.CI !== 'true';
    return { status: missing ? 'skipped' : 'failed', detail: e.message.split('\n')[0]!, ms: Date.now() - started };
  }
}

function generatedStep(root: string, t: Target): Promise<Step> {
  if (!t.generate) return Promise.resolve(skipped('not generated (generate: false in specs/targets.yaml)'));
  return timed(() => {
    const { files } = renderTargetAsWritten(root, t);
    const stale = [...files].filter(([name, text]) => {
      const file = join(root, 'generated', t.name, name);
      return !existsSync(file) || readFileSync(file, 'utf8') !== text;
    });
    if (stale.length > 0) return { status: 'failed', detail: `stale: ${stale.map(([n]) => n).join(', ')} (run \`sysbind generate\`)` };
    return { status: 'ok', detail: `current (${files.size} files)` };
  });
}

function auditStep(root: string, t: Target): Promise<Step> {
  return timed(async () => {
    const r = await auditTarget(root, t);
    const bad = r.mismatches.length + r.errors.length;
    return bad === 0
      ? { status: 'ok', detail: `clean: ${r.assertions} assertions` }
      : { status: 'failed', detail: `${r.mismatches.length} mismatches, ${r.errors.length} compiler errors` };
  });
}

function buildStep(root: string, t: Target): Promise<Step> {
  return timed(() => {
    const p = buildPrebuild(root, t);
    return { status: 'ok', detail: `prebuilds/${t.name}/sysbind.node (${p.compiler})` };
  });
}

/** The vitest file that proves a target with no Node on npm (Linux), or a Windows one; null when none does. */
function provingTest(t: Target): string | null {
  if (t.platform === 'win32') return t.emulator?.command === 'wine' && t.nodePackage ? 'test/win32/wine.test.ts' : null;
  return t.emulator && !t.nodePackage ? 'test/linux-targets/smoke.test.ts' : null;
}

async function runStep(root: string, t: Target): Promise<{ ran: Step; tests: TestCounts | null }> {
  let tests: TestCounts | null = null;
  const native = t.name === hostTargetName();
  const file = native ? null : provingTest(t);
  if (file) {
    const ran = await timed(() => {
      const cases = runVitestFile(root, file, `${t.name} under `).filter((c) => c.name.includes(`${t.name} under `));
      const count = (s: string) => cases.filter((c) => c.state === s).length;
      tests = { passed: count('passed'), failed: count('failed'), notPortable: 0, skipped: count('skipped') };
      const failure = cases.find((c) => c.state === 'failed');
      if (cases.length === 0 || tests.passed === 0) return { status: tests.failed > 0 ? 'failed' : 'skipped', detail: `${file}: ${failure?.error ?? `every case skipped (a tool is missing: \`npx vitest run ${file}\` says which)`}` };
      return { status: tests.failed === 0 ? 'ok' : 'failed', detail: `${file}: ${cases[0]!.name.split(' > ').slice(0, -1).join(' > ')}${failure ? ` — ${failure.name}: ${failure.error}` : ''}` };
    });
    return { ran, tests };
  }
  if (!native && !(t.nodePackage && t.emulator)) return { ran: skipped('no Node on npm and no emulator'), tests };
  const ran = await timed(async () => {
    const node = native ? { binary: process.execPath, fetched: false, ms: 0 } : foreignNode(root, t);
    const { report, ms } = await runSuite({ root, target: t, node: node.binary, files: suiteFiles(root) });
    const c = countStates(report.results);
    tests = { passed: c.passed, failed: c.failed, notPortable: c['not-portable'], skipped: c.skipped };
    const how = native ? 'natively' : `under ${t.emulator!.command}`;
    const fetched = node.fetched ? `, Node fetched from npm in ${(node.ms / 1000).toFixed(1)} s` : '';
    return { status: c.failed === 0 ? 'ok' : 'failed', detail: `suite on Node ${report.node} ${how} (${report.endianness}${fetched}; run ${(ms / 1000).toFixed(1)} s)` };
  });
  return { ran, tests };
}

export async function runMatrix(opts: { root: string; targets: string[]; log: (line: string) => void }): Promise<Matrix> {
  const started = Date.now();
  const matrix = loadTargets(join(opts.root, 'specs'));
  const targets = opts.targets.length > 0 ? opts.targets.map((n) => matrix.get(n)) : matrix.targets;
  const compileMs = compileSuite(opts.root);
  opts.log(`compiled the suite to dist/ in ${compileMs} ms`);
  const rows: MatrixRow[] = [];
  for (const t of targets) {
    const generated = await generatedStep(opts.root, t);
    const audit = generated.status === 'skipped' ? skipped('nothing generated') : await auditStep(opts.root, t);
    const built = generated.status === 'skipped' ? skipped('nothing generated') : await buildStep(opts.root, t);
    const { ran, tests } = built.status === 'ok' ? await runStep(opts.root, t) : { ran: skipped('not built'), tests: null };
    rows.push({ target: t.name, generated, audit, built, ran, tests });
    opts.log(`${t.name}: generated ${generated.status}, audit ${audit.status}, built ${built.status}, ran ${ran.status}`);
  }
  return { rows, compileMs, totalMs: Date.now() - started };
}
