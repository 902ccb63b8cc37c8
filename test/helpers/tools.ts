/**
 * Optional toolchains: a test that needs one skips with a message naming the
 * Debian package when it is missing, except under CI (CI=true), where a missing
 * tool is a failure.
 */
import { spawnSync } from 'node:child_process';

const seen = new Map<string, boolean>();

/** True when `command` is on PATH; otherwise warns (or, under CI, throws) naming `pkg`. */
export function requireTool(command: string, pkg: string): boolean {
  let found = seen.get(command);
  if (found === undefined) {
    found = spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
    seen.set(command, found);
    if (!found) {
      const message = `${command} is not installed (Debian package ${pkg})`;
      if (process.env.CI === 'true') throw new Error(`${message}: required under CI`);
      console.warn(`skipping: ${message}`);
    }
  }
  return found;
}
