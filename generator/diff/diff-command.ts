/**
 * `sysbind diff <old> <new>`: each side is a specs folder, or a kernel source
 * (a tree or a tarball) that is first imported into a scratch copy of the
 * current specs (syscall tables and prototypes; constants come from installed
 * headers, not from a tree, so they are carried over unchanged). Where both
 * specs folders have Win32 specs, their differences follow the Linux ones.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SysbindError } from '../errors.js';
import { importLinuxSyscalls } from '../import/linux/import-syscalls.js';
import { diffSpecs, formatDiffMarkdown, formatDiffText } from './spec-diff.js';
import { diffWin32Specs, formatWin32DiffMarkdown, formatWin32DiffText, hasWin32Specs } from './win32-diff.js';

function isSpecsDir(p: string): boolean {
  return existsSync(join(p, 'targets.yaml')) && existsSync(join(p, 'linux'));
}

function isKernelSource(p: string): boolean {
  return /\.tar(\.(xz|gz))?$/.test(p) || (existsSync(p) && statSync(p).isDirectory() && existsSync(join(p, 'Makefile')));
}

async function asSpecsDir(root: string, side: string, log: (l: string) => void, scratch: string[]): Promise<string> {
  if (isSpecsDir(side)) return side;
  if (!isKernelSource(side)) throw new SysbindError(`diff: '${side}' is neither a specs folder (with targets.yaml) nor a kernel source tree or tarball`);
  const dir = mkdtempSync(join(tmpdir(), 'sysbind-diff-'));
  scratch.push(dir);
  cpSync(join(root, 'specs'), dir, { recursive: true });
  log(`importing ${side} …`);
  await importLinuxSyscalls({ kernelSrc: side, specsDir: dir, log });
  return dir;
}

export async function runDiff(root: string, before: string, after: string, markdown: boolean, log: (l: string) => void): Promise<string> {
  const scratch: string[] = [];
  try {
    const a = await asSpecsDir(root, before, log, scratch);
    const b = await asSpecsDir(root, after, log, scratch);
    const diffs = diffSpecs(a, b);
    const parts = [markdown ? formatDiffMarkdown(diffs) : formatDiffText(diffs)];
    if (hasWin32Specs(a) && hasWin32Specs(b)) {
      const win32 = diffWin32Specs(a, b);
      parts.push(markdown ? formatWin32DiffMarkdown(win32) : formatWin32DiffText(win32));
    }
    return parts.join('\n');
  } finally {
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  }
}
