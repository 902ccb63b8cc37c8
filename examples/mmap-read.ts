/**
 * Reads a file through a read-only shared mapping: mmap gives a Uint8Array
 * over the page cache, no read() copies; munmap releases it (the array is
 * then detached).
 *
 *   npx tsx examples/mmap-read.ts <file>
 *
 * Prints `<bytes> bytes, <lines> lines` and the file's first line.
 */
import * as sys from '../generated/index.js';

const path = process.argv[2];
if (!path) {
  console.error('usage: mmap-read.ts <file>');
  process.exit(2);
}
const fd = sys.openat(sys.AT_FDCWD, path, sys.O_RDONLY | sys.O_CLOEXEC);
const st = new sys.Statx();
sys.statx(fd, '', sys.AT_EMPTY_PATH, sys.STATX_SIZE, st);
const size = Number(st.stx_size);
const map = sys.mmap(size, sys.PROT_READ, sys.MAP_SHARED, fd, 0);
sys.close(fd); // the mapping keeps the file
let lines = 0;
for (let i = 0; i < map.length; i++) if (map[i] === 0x0a) lines++;
const end = map.indexOf(0x0a);
const first = Buffer.from(map.buffer, map.byteOffset, end < 0 ? map.length : end).toString();
console.log(`${size} bytes, ${lines} lines`);
console.log(first);
sys.munmap(map);
