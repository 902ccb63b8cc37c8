/**
 * Run with --expose-gc. Maps one 1 MiB file 256 times with sysbind's mmap,
 * keeps (`keep`) or drops (`drop`) the views, collects garbage, and prints how
 * many mappings of that file /proc/self/maps lists while mapped and after
 * collection. The file's path names our mappings and no one else's, so the
 * count depends neither on where the kernel placed them nor on what V8 maps
 * or unmaps of its own meanwhile.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as sys from '../../generated/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const mode = process.argv[2];

const dir = mkdtempSync(join(tmpdir(), 'sysbind-gc-'));
const file = join(dir, 'mapped-by-sysbind');
const fd = openSync(file, 'w+');
ftruncateSync(fd, 1 << 20);

/** Mappings of the file in /proc/self/maps (its path ends each line). */
const mappingsOfFile = () => readFileSync('/proc/self/maps', 'utf8').split('\n').filter((l) => l.endsWith(` ${file}`)).length;

const kept: Uint8Array[] = [];
let mapped = 0;
(() => {
  const views = Array.from({ length: 256 }, () => sys.mmap(1 << 20, sys.PROT_READ | sys.PROT_WRITE, sys.MAP_SHARED, fd, 0));
  for (const v of views) v[0] = 1;
  mapped = mappingsOfFile();
  if (mode === 'keep') kept.push(...views);
})();
closeSync(fd); // the mappings hold the file on their own
// Finalizers run after a collection; give them rounds enough (a dropped view's mapping goes within a few).
let after = mappingsOfFile();
for (let i = 0; i < 50 && (mode === 'keep' ? i < 20 : after > 0); i++) {
  gc();
  await sleep(10);
  after = mappingsOfFile();
}
console.log(JSON.stringify({ mapped, after, kept: kept.length }));
rmSync(dir, { recursive: true, force: true });
