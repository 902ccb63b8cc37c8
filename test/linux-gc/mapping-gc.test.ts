/**
 * mmap'd memory is released when JS drops it: a child process maps 256 MiB
 * through sysbind, drops the views and collects garbage, and the kernel's
 * count of its virtual memory falls back; with the views kept, it does not.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/root.js';

const MAPPED_KIB = 256 * 1024;

interface ChildReport { before: number; mapped: number; after: number; stillMapped: number | null }

function run(mode: 'keep' | 'drop'): ChildReport {
  const loader = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', loader, join(ROOT, 'test', 'linux-gc', 'mapping-child.ts'), mode], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport;
}

describe('mappings dropped by JS are unmapped', () => {
  it('returns the memory to the kernel after garbage collection', () => {
    const r = run('drop');
    expect(r.mapped - r.before).toBeGreaterThanOrEqual(MAPPED_KIB);
    expect(r.mapped - r.after).toBeGreaterThanOrEqual(MAPPED_KIB * 0.9);
  });

  it('keeps memory that JS still references', () => {
    const r = run('keep');
    expect(r.mapped - r.before).toBeGreaterThanOrEqual(MAPPED_KIB);
    // Per mapping, not the whole VmSize: V8 may give back heap of its own during the collections.
    expect(r.stillMapped).toBe(256);
  });
});
