/**
 * Runs the package's own test suite, compiled to JS, with a given Node binary
 * — a foreign one under its emulator, or the host's — through the cross
 * harness (test/cross/harness/run.js), and returns the harness's report. The
 * addon is found the way a user's process finds it (generated/runtime/
 * native-loader.ts): here, prebuilds/<platform>-<arch>/sysbind.node.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ToolchainError } from '../errors.js';
import type { Target } from '../spec/targets.js';
import { underEmulator } from './emulator.js';
import { EmulationError } from './errors.js';
import type { SuiteReport } from './suite-report.js';

/** A whole emulated run may take this long before it is killed. */
const RUN_LIMIT_MS = 20 * 60_000;

/** Compiles the suite and the harness into dist/ (test/cross/tsconfig.json); returns the time taken. */
export function compileSuite(root: string): number {
  const started = Date.now();
  const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'test', 'cross', 'tsconfig.json')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new ToolchainError(`tsc -p test/cross/tsconfig.json failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return Date.now() - started;
}

/** The compiled test files an emulated run executes: the Linux suite and test/cross/on-target. */
export function suiteFiles(root: string): string[] {
  const dist = join(root, 'dist', 'test');
  const linux = readdirSync(join(dist, 'linux')).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(dist, 'linux', f));
  return [...linux, join(dist, 'cross', 'on-target.test.js')];
}

export interface SuiteRun {
  report: SuiteReport;
  /** Everything the harness printed. */
  output: string;
  ms: number;
}

export async function runSuite(opts: { root: string; target: Target; node: string; files: string[] }): Promise<SuiteRun> {
  const scratch = mkdtempSync(join(tmpdir(), `sysbind-suite-${opts.target.name}-`));
  const json = join(scratch, 'report.json');
  const log = join(scratch, 'output.txt');
  const harness = join(opts.root, 'dist', 'test', 'cross', 'harness', 'run.js');
  const run = underEmulator(opts.target, opts.node, [harness, '--json', json, ...opts.files]);
  const started = Date.now();
  try {
    // Output goes to a file, not a pipe: wine hangs on a pipe while its server lives.
    const out = openSync(log, 'w');
    const status = await new Promise<number | string | null>((resolve) => {
      const child = spawn(run.command, run.args, {
        cwd: opts.root,
        stdio: ['ignore', out, out],
        env: { ...process.env, NODE_SKIP_PLATFORM_CHECK: '1', WINEDEBUG: '-all' },
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
      child.on('error', (e) => resolve(e.message));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve(code ?? signal);
      });
    });
    closeSync(out);
    const output = readFileSync(log, 'utf8');
    if (!existsSync(json)) {
      throw new EmulationError(`${opts.target.name}: the suite under ${run.command} ended (${status}) without a report:\n${output.split('\n').slice(-30).join('\n')}`);
    }
    return { report: JSON.parse(readFileSync(json, 'utf8')) as SuiteReport, output, ms: Date.now() - started };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
