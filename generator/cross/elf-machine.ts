/**
 * Which machine an ELF file is for: class (32/64-bit), byte order and
 * e_machine from its header. A prebuild is checked against an object the
 * target's own compiler makes, so no table of machine numbers is needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolchainError } from '../errors.js';

export interface ElfMachine {
  bits: 32 | 64;
  endian: 'little' | 'big';
  machine: number;
}

export function elfMachine(file: string): ElfMachine | null {
  const head = Buffer.alloc(20);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, head, 0, 20, 0) < 20) return null;
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32BE(0) !== 0x7f454c46) return null;
  const endian = head[5] === 2 ? 'big' : 'little';
  return { bits: head[4] === 2 ? 64 : 32, endian, machine: endian === 'big' ? head.readUInt16BE(18) : head.readUInt16LE(18) };
}

/** The machine of an empty object compiled by `compiler` (e.g. aarch64-linux-gnu-gcc). */
export function compilerMachine(compiler: string): ElfMachine {
  const dir = mkdtempSync(join(tmpdir(), 'sysbind-elf-'));
  try {
    const obj = join(dir, 'empty.o');
    const r = spawnSync(compiler, ['-c', '-x', 'c', '/dev/null', '-o', obj], { encoding: 'utf8' });
    if (r.status !== 0) throw new ToolchainError(`${compiler} cannot compile an empty file: ${r.error?.message ?? r.stderr}`);
    const m = elfMachine(obj);
    if (!m) throw new ToolchainError(`${compiler} did not produce an ELF object`);
    return m;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const describeMachine = (m: ElfMachine) => `ELF${m.bits} ${m.endian}-endian, e_machine ${m.machine}`;
