/**
 * How to run a target's program on this x86-64 Linux machine, from the
 * target's `emulator` in specs/targets.yaml. binfmt_misc is not relied on:
 * the emulator is always named, with `-L <sysroot>` where the target has a
 * sysroot (qemu-user finds the target's dynamic loader and libraries there).
 */
import { SysbindError } from '../errors.js';
import { hostTargetName, type Target } from '../spec/targets.js';
import { requireCommand } from './tools.js';

export interface Invocation {
  command: string;
  args: string[];
}

/** Debian packages providing each emulator command (for the "not installed" message). */
const EMULATOR_PACKAGE = (command: string) => (command === 'wine' ? 'wine' : command.endsWith('-static') ? 'qemu-user-static' : 'qemu-user');

export function underEmulator(target: Target, program: string, args: string[]): Invocation {
  if (target.name === hostTargetName()) return { command: program, args };
  const emulator = target.emulator;
  if (!emulator) throw new SysbindError(`${target.name} has no emulator in specs/targets.yaml: its programs cannot run here`);
  requireCommand(emulator.command, EMULATOR_PACKAGE(emulator.command));
  const sysroot = emulator.sysroot ? ['-L', emulator.sysroot] : [];
  return { command: emulator.command, args: [...sysroot, program, ...args] };
}
