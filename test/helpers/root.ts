/**
 * Test helpers for running the generator on a scratch copy of the repository,
 * so tests can break specs without touching the real ones.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A scratch root with copies of specs/ and generated/, and links to the rest. */
export function scratchRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sysbind-root-'));
  cpSync(join(ROOT, 'specs'), join(dir, 'specs'), { recursive: true });
  cpSync(join(ROOT, 'generated'), join(dir, 'generated'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  for (const link of ['templates', 'generator', 'node_modules']) symlinkSync(join(ROOT, link), join(dir, link));
  return dir;
}

/** Runs the CLI with the given root as SYSBIND_ROOT and working directory. */
export function runCli(root: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'generator', 'bin', 'sysbind.mjs'), ...args], {
    cwd: root,
    env: { ...process.env, SYSBIND_ROOT: root },
    encoding: 'utf8',
    // `audit --json` of a Windows target lists every record and constant: megabytes.
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** path → sha256 of every file under dir (recursively), for "nothing changed" checks. */
export function treeHashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}
