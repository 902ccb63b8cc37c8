/**
 * Optional toolchains: a test that needs one skips with a message naming the
 * Debian package when it is missing, except under CI (CI=true), where a missing
 * tool is a failure.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { compilerFor, type CompilerTarget } from '../../generator/audit/compile-c.js';
import { loadWin32Headers, win32ClangArgs } from '../../generator/spec/win32-specs.js';
import { ROOT } from './root.js';

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

/**
 * True when some C compiler for the target is installed (its cross gcc, or
 * clang); otherwise warns with the Debian packages to install, or under CI throws.
 */
export function hasCompilerFor(target: CompilerTarget): boolean {
  try {
    compilerFor(target);
    return true;
  } catch (e) {
    if (process.env.CI === 'true') throw e;
    console.warn(`skipping ${target.name}: ${(e as Error).message}`);
    return false;
  }
}

/** Extra flags for compiling against a target's system headers: clang finds mingw's only where headers.yaml says. */
export function systemHeaderArgs(target: CompilerTarget & { platform: string }): string[] {
  if (target.platform !== 'win32' || compilerFor(target).kind !== 'clang') return [];
  return win32ClangArgs(loadWin32Headers(join(ROOT, 'specs')).data);
}
