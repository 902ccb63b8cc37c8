/**
 * mmap'd memory is released when JS drops it: a child process maps one file
 * 256 times through sysbind, drops the views and collects garbage, and the
 * kernel's list of its mappings (/proc/self/maps) no longer has them; with the
 * views kept, it has all 256.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/root.js';

interface ChildReport { mapped: number; after: number; kept: number }

function run(mode: 'keep' | 'drop'): ChildReport {
  const loader = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', loader, join(ROOT, 'test', 'linux-gc', 'mapping-child.ts'), mode], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport;
}

describe('mappings dropped by JS are unmapped', () => {
  it('returns the memory to the kernel after garbage collection', () => {
    const r = run('drop');
    expect(r.mapped).toBe(256);
    expect(r.after).toBe(0);
  });

  it('keeps memory that JS still references', () => {
    const r = run('keep');
    expect(r.mapped).toBe(256);
    expect(r.after).toBe(256);
  });
});
