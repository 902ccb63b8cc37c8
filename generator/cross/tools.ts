/**
 * Checks that a command the cross stage needs is installed, naming the Debian
 * package that provides it when it is not.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ToolchainError } from '../errors.js';

export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Throws a ToolchainError naming `pkg` unless `command` is on PATH. */
export function requireCommand(command: string, pkg: string): void {
  if (!onPath(command)) throw new ToolchainError(`${command} is not installed (Debian package ${pkg})`);
}
