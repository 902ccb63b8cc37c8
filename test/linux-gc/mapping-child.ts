/**
 * Run with --expose-gc. Maps 256 MiB with sysbind's mmap in 1 MiB pieces,
 * keeps (`keep`) or drops (`drop`) the views, collects garbage, and prints the
 * process's virtual size as the kernel reports it (/proc/self/status VmSize)
 * before, while mapped, and after collection, and (kept views) how many of the
 * 256 mappings /proc/self/maps still lists.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as sys from '../../generated/index.js';
import { addressOf, mapsLine } from '../linux/helpers.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const mode = process.argv[2];

function vmSizeKiB(): number {
  return Number(/VmSize:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
}

const kept: Uint8Array[] = [];
/** Where each mapping starts: while a view is referenced, no one else can map there. */
let addresses: bigint[] = [];
const before = vmSizeKiB();
let mapped = 0;
(() => {
  const views = Array.from({ length: 256 }, () => sys.mmap(1 << 20, sys.PROT_READ | sys.PROT_WRITE, sys.MAP_PRIVATE | sys.MAP_ANONYMOUS, -1, 0));
  for (const v of views) v[0] = 1;
  mapped = vmSizeKiB();
  addresses = views.map(addressOf);
  if (mode === 'keep') kept.push(...views);
})();
for (let i = 0; i < 20; i++) {
  gc();
  await sleep(10);
}
// Counted only for kept views: a dropped one's address may already hold someone else's mapping.
const stillMapped = mode === 'keep' ? addresses.filter((a) => mapsLine(a) !== undefined).length : null;
console.log(JSON.stringify({ before, mapped, after: vmSizeKiB(), kept: kept.length, stillMapped }));
