/**
 * Memory syscalls: mappings are checked in /proc/self/maps and smaps (address,
 * size, permissions, residency, locking) and file mappings against fs.
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { addressOf, bytes, makeTempDir, mapsLine, residentPages, sh, smapsOf, text } from './helpers.js';

let dir: string;
let cleanup: () => void;
let PAGE: number;
beforeAll(() => {
  ({ dir, cleanup } = makeTempDir('memory'));
  PAGE = Number(sh('getconf PAGESIZE'));
});
afterAll(() => cleanup());

let n = 0;
const fresh = () => join(dir, `m-${++n}`);

const RW = () => sys.PROT_READ | sys.PROT_WRITE;
const anon = (len: number) => sys.mmap(len, RW(), sys.MAP_PRIVATE | sys.MAP_ANONYMOUS, -1, 0);
/**
 * The permission column ("rw-p"), path and extent of the mapping containing
 * addr, from /proc/self/maps. `size` counts from addr to the VMA's end: a VMA
 * merged with a neighbour below still reports what lies at and above addr.
 */
function mapInfo(addr: bigint): { perms: string; size: number; path: string } | undefined {
  const line = mapsLine(addr);
  if (!line) return undefined;
  const [range, perms, , , , ...path] = line.split(/\s+/);
  const hi = BigInt(`0x${range!.split('-')[1]}`);
  return { perms: perms!, size: Number(hi - addr), path: path.join(' ') };
}

describe('mmap (anonymous)', () => {
  it('returns zeroed, writable memory that /proc/self/maps lists with rw-p and the right size', () => {
    const m = anon(3 * PAGE);
    try {
      expect(m).toBeInstanceOf(Uint8Array);
      expect(m.byteLength).toBe(3 * PAGE);
      expect(m.every((b) => b === 0)).toBe(true);
      for (let i = 0; i < m.length; i += 97) m[i] = i & 0xff;
      for (let i = 0; i < m.length; i += 97) expect(m[i]).toBe(i & 0xff);
      const addr = addressOf(m);
      expect(addr % BigInt(PAGE)).toBe(0n);
      const info = mapInfo(addr);
      expect(info?.perms).toBe('rw-p');
      expect(info!.size).toBeGreaterThanOrEqual(3 * PAGE);
    } finally {
      sys.munmap(m);
    }
  });

  it('pages become resident only when touched (/proc/self/pagemap)', () => {
    const m = anon(8 * PAGE);
    try {
      const addr = addressOf(m);
      expect(residentPages(addr, 8, PAGE)).toEqual(Array(8).fill(false));
      m[3 * PAGE + 5] = 1;
      m[6 * PAGE] = 1;
      expect(residentPages(addr, 8, PAGE)).toEqual([false, false, false, true, false, false, true, false]);
    } finally {
      sys.munmap(m);
    }
  });

  it('fails with EINVAL for length 0 and EBADF for a file mapping of a closed fd', () => {
    expect(() => sys.mmap(0, RW(), sys.MAP_PRIVATE | sys.MAP_ANONYMOUS, -1, 0)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'mmap' }));
    expect(() => sys.mmap(PAGE, sys.PROT_READ, sys.MAP_SHARED, 987_654, 0)).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });
});

describe('mmap (file, MAP_SHARED / MAP_PRIVATE) and msync', () => {
  function fileOf(size: number, fill = 0x2e): { path: string; fd: number } {
    const path = fresh();
    fs.writeFileSync(path, Buffer.alloc(size, fill));
    return { path, fd: sys.openat(sys.AT_FDCWD, path, sys.O_RDWR) };
  }

  it('writes through a MAP_SHARED mapping reach the file (fs.readFileSync after msync)', () => {
    const { path, fd } = fileOf(2 * PAGE);
    const m = sys.mmap(2 * PAGE, RW(), sys.MAP_SHARED, fd, 0);
    try {
      const info = mapInfo(addressOf(m))!;
      expect(info.perms).toBe('rw-s');
      expect(info.path).toBe(path);
      m.set(bytes('written via mmap'), 100);
      sys.msync(m, undefined, sys.MS_SYNC);
      const data = fs.readFileSync(path);
      expect(data.subarray(100, 116).toString()).toBe('written via mmap');
      expect(data[99]).toBe(0x2e);
      expect(data.length).toBe(2 * PAGE);
    } finally {
      sys.munmap(m);
      sys.close(fd);
    }
  });

  it('writes by fs to the file appear in the shared mapping', () => {
    const { path, fd } = fileOf(PAGE);
    const m = sys.mmap(PAGE, sys.PROT_READ, sys.MAP_SHARED, fd, 0);
    try {
      const w = fs.openSync(path, 'r+');
      fs.writeSync(w, 'from fs', 2000);
      fs.closeSync(w);
      expect(text(m.subarray(2000, 2007))).toBe('from fs');
    } finally {
      sys.munmap(m);
      sys.close(fd);
    }
  });

  it('a non-zero offset maps that part of the file', () => {
    const { path, fd } = fileOf(3 * PAGE);
    const w = fs.openSync(path, 'r+');
    fs.writeSync(w, 'page two', 2 * PAGE);
    fs.closeSync(w);
    const m = sys.mmap(PAGE, sys.PROT_READ, sys.MAP_SHARED, fd, 2 * PAGE);
    try {
      expect(text(m.subarray(0, 8))).toBe('page two');
    } finally {
      sys.munmap(m);
      sys.close(fd);
    }
  });

  it('writes through MAP_PRIVATE never reach the file', () => {
    const { path, fd } = fileOf(PAGE);
    const m = sys.mmap(PAGE, RW(), sys.MAP_PRIVATE, fd, 0);
    try {
      m.fill(0x41);
      sys.msync(m, undefined, sys.MS_SYNC);
      expect(fs.readFileSync(path).every((b) => b === 0x2e)).toBe(true);
      expect(mapInfo(addressOf(m))!.perms).toBe('rw-p');
    } finally {
      sys.munmap(m);
      sys.close(fd);
    }
  });

  it('async.msync flushes a shared mapping that fs then reads', async () => {
    const { path, fd } = fileOf(PAGE);
    const m = sys.mmap(PAGE, RW(), sys.MAP_SHARED, fd, 0);
    try {
      m.set(bytes('async msync'), 0);
      await sys.async.msync(m, undefined, sys.MS_SYNC);
      expect(fs.readFileSync(path).subarray(0, 11).toString()).toBe('async msync');
      // Not page aligned: the kernel says EINVAL.
      await expect(sys.async.msync(m.subarray(1), undefined, sys.MS_SYNC)).rejects.toMatchObject({ code: 'EINVAL', syscall: 'msync' });
    } finally {
      sys.munmap(m);
      sys.close(fd);
    }
  });
});

describe('munmap', () => {
  it('unmaps (gone from /proc/self/maps) and detaches the buffer (byteLength 0)', () => {
    const m = anon(2 * PAGE);
    const ab = m.buffer;
    const addr = addressOf(m);
    expect(mapsLine(addr)).toBeDefined();
    sys.munmap(m);
    expect(m.byteLength).toBe(0);
    expect(ab.byteLength).toBe(0);
    expect(mapsLine(addr)).toBeUndefined();
  });

  it('a second munmap of the same mapping throws instead of unmapping someone else’s memory', () => {
    const m = anon(PAGE);
    sys.munmap(m);
    expect(() => sys.munmap(m)).toThrow(TypeError);
  });

  it('accepts the ArrayBuffer itself, and refuses views not at offset 0 or foreign buffers', () => {
    const m = anon(2 * PAGE);
    expect(() => sys.munmap(m.subarray(PAGE))).toThrow(RangeError);
    expect(() => sys.munmap(new Uint8Array(PAGE))).toThrow(TypeError);
    expect(m.byteLength).toBe(2 * PAGE);
    const addr = addressOf(m);
    sys.munmap(m.buffer as ArrayBuffer);
    expect(m.byteLength).toBe(0);
    expect(mapsLine(addr)).toBeUndefined();
  });
});

/** Whether any /proc/self/maps range covers addr. */
describe('mremap', () => {
  it('grows a mapping (moving it if it must): the bytes stay, the old view detaches, /proc/self/maps lists the new size', () => {
    const m = anon(PAGE);
    m[0] = 7;
    m[PAGE - 1] = 9;
    const grown = sys.mremap(m, 3 * PAGE);
    expect(m.byteLength).toBe(0);
    expect(grown.byteLength).toBe(3 * PAGE);
    expect([grown[0], grown[PAGE - 1], grown[PAGE]]).toEqual([7, 9, 0]);
    grown[3 * PAGE - 1] = 5; // the new pages are mapped and writable
    const info = mapInfo(addressOf(grown));
    expect(info?.perms).toBe('rw-p');
    expect(info!.size).toBeGreaterThanOrEqual(3 * PAGE);
    const shrunk = sys.mremap(grown, PAGE);
    expect(grown.byteLength).toBe(0);
    expect([shrunk.byteLength, shrunk[0], shrunk[PAGE - 1]]).toEqual([PAGE, 7, 9]);
    const addr = addressOf(shrunk);
    sys.munmap(shrunk);
    expect(mapsLine(addr)).toBeUndefined();
  });

  it('refuses a mapping it already moved, part of one and heap bytes before the call', () => {
    const m = anon(PAGE);
    const moved = sys.mremap(m, 2 * PAGE);
    expect(() => sys.mremap(m, PAGE)).toThrow(TypeError);
    expect(() => sys.mremap(moved.subarray(1), PAGE)).toThrow(RangeError);
    expect(() => sys.mremap(new Uint8Array(PAGE), PAGE)).toThrow(TypeError);
    expect(moved.byteLength).toBe(2 * PAGE);
    moved[2 * PAGE - 1] = 1;
    sys.munmap(moved);
  });

  it('new_len 0 is the kernel\'s EINVAL, and the mapping stays', () => {
    const moved = anon(2 * PAGE);
    expect(() => sys.mremap(moved, 0)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'mremap' }));
    expect(moved.byteLength).toBe(2 * PAGE);
    moved[2 * PAGE - 1] = 1;
    sys.munmap(moved);
    expect(moved.byteLength).toBe(0);
  });
});

describe('mincore', () => {
  it('reports the pages JS touched as resident and the others not, as /proc/self/pagemap does', () => {
    const m = anon(4 * PAGE);
    try {
      m[0] = 1;
      m[2 * PAGE + 3] = 1;
      const vec = new Uint8Array(4).fill(0xfe);
      sys.mincore(m, undefined, vec);
      expect([...vec].map((b) => b & 1)).toEqual([1, 0, 1, 0]);
      expect(residentPages(addressOf(m), 4, PAGE)).toEqual([true, false, true, false]);
    } finally {
      sys.munmap(m);
    }
  });

  it('refuses a vec shorter than the pages and heap bytes; a start not page aligned is EINVAL', () => {
    const m = anon(4 * PAGE);
    try {
      expect(() => sys.mincore(m, undefined, new Uint8Array(3))).toThrow(/'vec' holds fewer bytes than 'len' has pages/);
      expect(() => sys.mincore(new Uint8Array(PAGE), undefined, new Uint8Array(1))).toThrow(TypeError);
      expect(() => sys.mincore(m.subarray(1), PAGE, new Uint8Array(4))).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'mincore' }));
    } finally {
      sys.munmap(m);
    }
  });
});

describe('mprotect', () => {
  it('PROT_READ: the kernel shows r--p and reads still work; back to RW writes work again', () => {
    const m = anon(PAGE);
    try {
      m[10] = 99;
      const addr = addressOf(m);
      sys.unsafe_mprotect(m, undefined, sys.PROT_READ);
      expect(mapInfo(addr)!.perms).toBe('r--p');
      expect(m[10]).toBe(99);
      sys.unsafe_mprotect(m, undefined, RW());
      expect(mapInfo(addr)!.perms).toBe('rw-p');
      m[11] = 7;
      expect(m[11]).toBe(7);
    } finally {
      sys.munmap(m);
    }
  });

  it('a page-aligned sub-range changes only those pages (the mapping splits in maps)', () => {
    const m = anon(4 * PAGE);
    try {
      const addr = addressOf(m);
      sys.unsafe_mprotect(m.subarray(PAGE, 2 * PAGE), undefined, sys.PROT_NONE);
      expect(mapInfo(addr + BigInt(PAGE))).toMatchObject({ perms: '---p', size: PAGE });
      expect(mapInfo(addr + BigInt(2 * PAGE))?.perms).toBe('rw-p');
      sys.unsafe_mprotect(m, undefined, RW());
    } finally {
      sys.munmap(m);
    }
  });

  it('a start that is not page aligned fails with EINVAL', () => {
    const m = anon(2 * PAGE);
    try {
      expect(() => sys.unsafe_mprotect(m.subarray(1), PAGE - 1, sys.PROT_READ)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'mprotect' }));
      expect(mapInfo(addressOf(m))!.perms).toBe('rw-p');
    } finally {
      sys.munmap(m);
    }
  });
});

describe('calls that act on a range of memory', () => {
  // madvise(MADV_DONTNEED) on the runtime's heap would zero live objects: such
  // calls take only bytes inside a mapping the caller got from mmap.
  const notMapped = /must lie within a live mapping returned by mmap/;
  it('refuse bytes of the runtime\'s heap (an ArrayBuffer that mmap did not return)', () => {
    const heap = new Uint8Array(new ArrayBuffer(4 * PAGE));
    heap.fill(5);
    expect(() => sys.madvise(heap, undefined, sys.MADV_DONTNEED)).toThrow(expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(notMapped) }));
    expect(() => sys.mlock(heap)).toThrow(notMapped);
    expect(() => sys.msync(heap, undefined, sys.MS_SYNC)).toThrow(notMapped);
    expect(heap.every((b) => b === 5)).toBe(true);
  });

  it('refuse a view past the end of its mapping, and a mapping that was unmapped', () => {
    const m = anon(2 * PAGE);
    m.fill(7);
    const sub = m.subarray(PAGE);
    expect(() => sys.madvise(sub, 2 * PAGE, sys.MADV_DONTNEED)).toThrow(RangeError); // longer than the view
    sys.munmap(m);
    expect(() => sys.madvise(sub, undefined, sys.MADV_DONTNEED)).toThrow(TypeError); // detached with its mapping
  });
});

describe('madvise', () => {
  it('MADV_DONTNEED on private anonymous memory drops the pages: no longer resident, then read back as zeros', () => {
    const m = anon(4 * PAGE);
    try {
      const addr = addressOf(m);
      m.fill(0xaa);
      expect(residentPages(addr, 4, PAGE)).toEqual([true, true, true, true]);
      sys.madvise(m.subarray(PAGE, 3 * PAGE), undefined, sys.MADV_DONTNEED);
      expect(residentPages(addr, 4, PAGE)).toEqual([true, false, false, true]);
      expect(m.subarray(PAGE, 3 * PAGE).every((b) => b === 0)).toBe(true);
      expect(m[PAGE - 1]).toBe(0xaa);
      expect(m[3 * PAGE]).toBe(0xaa);
    } finally {
      sys.munmap(m);
    }
  });

  it('advice that changes nothing visible returns without error; bad advice is EINVAL', () => {
    const m = anon(2 * PAGE);
    try {
      m.fill(3);
      for (const advice of [sys.MADV_NORMAL, sys.MADV_RANDOM, sys.MADV_SEQUENTIAL, sys.MADV_WILLNEED]) {
        expect(sys.madvise(m, undefined, advice)).toBeUndefined();
      }
      expect(m.every((b) => b === 3)).toBe(true);
      expect(() => sys.madvise(m, undefined, 12345)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'madvise' }));
    } finally {
      sys.munmap(m);
    }
  });
});

describe('mlock', () => {
  // Under a small RLIMIT_MEMLOCK without CAP_IPC_LOCK, mlock fails with EPERM or
  // ENOMEM; those are the only accepted failures, and then nothing is locked.
  it('locks the pages (smaps "Locked") or fails only with EPERM/ENOMEM', () => {
    const m = anon(2 * PAGE);
    try {
      const addr = addressOf(m);
      let code: string | null = null;
      try {
        sys.mlock(m);
      } catch (e) {
        code = (e as sys.SyscallError).code;
      }
      const locked = parseInt(smapsOf(addr)!.get('Locked')!);
      if (code === null) {
        expect(locked).toBe((2 * PAGE) / 1024);
        expect(residentPages(addr, 2, PAGE)).toEqual([true, true]); // locking faults the pages in
      } else {
        expect(['EPERM', 'ENOMEM']).toContain(code);
        expect(locked).toBe(0);
      }
    } finally {
      sys.munmap(m);
    }
  });
});
