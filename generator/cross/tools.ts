/**
 * Checks that a command the cross stage needs is installed, naming the Debian
 * package that provides it when it is not.
 */
import { ToolchainError } from '../errors.js';
import { onPath } from '../util/on-path.js';

export { onPath };

/** Throws a ToolchainError naming `pkg` unless `command` is on PATH. */
export function requireCommand(command: string, pkg: string): void {
  if (!onPath(command)) throw new ToolchainError(`${command} is not installed (Debian package ${pkg})`);
}
