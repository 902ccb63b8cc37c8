/**
 * Runs one of the project's vitest files (with its JSON reporter) and returns
 * its cases, for the matrix rows whose proof already lives in a test: the C
 * smoke programs of targets with no Node on npm (test/linux-targets/
 * smoke.test.ts) and the Windows suite under wine (test/win32/wine.test.ts).
 * Running them, rather than repeating them here, keeps one source of truth.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EmulationError } from './errors.js';

export interface VitestCase {
  /** Describe titles and the test title joined by ' > '. */
  name: string;
  state: 'passed' | 'failed' | 'skipped';
  ms: number;
  error?: string;
}

interface VitestJson {
  testResults: { assertionResults: { ancestorTitles: string[]; title: string; status: string; duration?: number | null; failureMessages: string[] }[] }[];
}

/** Runs `file` (relative to the root) with `-t pattern`; returns every case vitest lists (filtered-out ones as skipped). */
export function runVitestFile(root: string, file: string, pattern: string): VitestCase[] {
  const dir = mkdtempSync(join(tmpdir(), 'sysbind-vitest-json-'));
  try {
    const out = join(dir, 'report.json');
    const vitest = join(dirname(createRequire(join(root, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');
    const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/vitest.config.ts', file, '-t', pattern, '--reporter=json', `--outputFile=${out}`], {
      cwd: root,
      encoding: 'utf8',
    });
    let json: VitestJson;
    try {
      json = JSON.parse(readFileSync(out, 'utf8')) as VitestJson;
    } catch {
      throw new EmulationError(`vitest did not report on ${file} (exit ${r.status}): ${r.stderr.slice(-2000)}`);
    }
    return json.testResults.flatMap((f) =>
      f.assertionResults.map((a): VitestCase => ({
        name: [...a.ancestorTitles, a.title].join(' > '),
        state: a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped',
        ms: Math.round(a.duration ?? 0),
        ...(a.failureMessages.length > 0 ? { error: a.failureMessages[0]!.split('\n')[0] } : {}),
      })),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
