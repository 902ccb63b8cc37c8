/**
 * stat family, fchmod, fchown, utimensat: each result or effect compared with
 * Node's fs.statSync/lstatSync (bigint form, nanosecond times).
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { bytes, makeTempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = makeTempDir('metadata')));
afterAll(() => cleanup());

let n = 0;
const fresh = (name = 'f') => join(dir, `${name}-${++n}`);

const NS = 1_000_000_000n;
/** Linux's dev_t encoding (glibc makedev), as Node reports st_dev. */
const makedev = (major: number, minor: number) =>
  (BigInt(major & 0xfff) << 8n) | BigInt(minor & 0xff) | (BigInt(minor & ~0xff) << 12n) | (BigInt(major & ~0xfff) << 32n);

/** A file with some content and distinctive times, and its fs.statSync view. */
function sample(): { path: string; st: fs.BigIntStats } {
  const path = fresh();
  fs.writeFileSync(path, 'metadata sample content\n'.repeat(300));
  fs.utimesSync(path, new Date(1_234_567_890_123), new Date(1_300_000_000_456));
  return { path, st: fs.statSync(path, { bigint: true }) };
}

function expectStatMatches(s: sys.Stat, st: fs.BigIntStats): void {
  expect(s.st_size).toBe(st.size);
  expect(BigInt(s.st_mode)).toBe(st.mode);
  expect(s.st_ino).toBe(st.ino);
  expect(s.st_nlink).toBe(st.nlink);
  expect(BigInt(s.st_uid)).toBe(st.uid);
  expect(BigInt(s.st_gid)).toBe(st.gid);
  expect(s.st_dev).toBe(st.dev);
  expect(s.st_rdev).toBe(st.rdev);
  expect(s.st_blksize).toBe(st.blksize);
  expect(s.st_blocks).toBe(st.blocks);
  expect(s.st_mtime).toBe(st.mtimeNs / NS);
  expect(s.st_mtime_nsec).toBe(st.mtimeNs % NS);
  expect(s.st_atime).toBe(st.atimeNs / NS);
  expect(s.st_atime_nsec).toBe(st.atimeNs % NS);
  expect(s.st_ctime).toBe(st.ctimeNs / NS);
  expect(s.st_ctime_nsec).toBe(st.ctimeNs % NS);
}

describe('fstat', () => {
  it('matches fs.statSync for size, mode, ino, nlink, uid, gid, dev, blocks and all three times', () => {
    const { path, st } = sample();
    const fd = sys.openat(sys.AT_FDCWD, path, sys.O_RDONLY);
    try {
      expectStatMatches(sys.fstat(fd), st);
    } finally {
      sys.close(fd);
    }
    expect(st.mtimeNs % NS).toBe(456_000_000n); // the fixture really has sub-second times
  });

  it('fills a caller-provided Stat and returns that same object', () => {
    const { path, st } = sample();
    const fd = sys.openat(sys.AT_FDCWD, path, sys.O_RDONLY);
    try {
      const mine = new sys.Stat();
      expect(sys.fstat(fd, mine)).toBe(mine);
      expect(mine.st_ino).toBe(st.ino);
    } finally {
      sys.close(fd);
    }
  });

  it('describes a pipe and a directory as fs.fstatSync does', () => {
    const [r, w] = sys.pipe2();
    try {
      const s = sys.fstat(r);
      const st = fs.fstatSync(r, { bigint: true });
      expect(st.isFIFO()).toBe(true);
      expect(BigInt(s.st_mode)).toBe(st.mode);
      expect(s.st_ino).toBe(st.ino);
    } finally {
      sys.close(r);
      sys.close(w);
    }
    const dfd = sys.openat(sys.AT_FDCWD, dir, sys.O_RDONLY | sys.O_DIRECTORY);
    try {
      const st = fs.statSync(dir, { bigint: true });
      expect(BigInt(sys.fstat(dfd).st_mode)).toBe(st.mode);
      expect(st.isDirectory()).toBe(true);
    } finally {
      sys.close(dfd);
    }
  });
});

describe('newfstatat', () => {
  it('matches fs.statSync for a path', () => {
    const { path, st } = sample();
    expectStatMatches(sys.newfstatat(sys.AT_FDCWD, path), st);
  });

  it('follows a symlink by default and describes the link itself with AT_SYMLINK_NOFOLLOW', () => {
    const { path } = sample();
    const link = fresh('link');
    fs.symlinkSync(path, link);
    expectStatMatches(sys.newfstatat(sys.AT_FDCWD, link), fs.statSync(link, { bigint: true }));
    const l = sys.newfstatat(sys.AT_FDCWD, link, undefined, sys.AT_SYMLINK_NOFOLLOW);
    const lst = fs.lstatSync(link, { bigint: true });
    expect(lst.isSymbolicLink()).toBe(true);
    expectStatMatches(l, lst);
    expect(l.st_size).toBe(BigInt(Buffer.byteLength(path)));
  });

  it('resolves relative names against a directory fd, and AT_EMPTY_PATH stats the fd', () => {
    const { path, st } = sample();
    const dfd = sys.openat(sys.AT_FDCWD, dir, sys.O_RDONLY | sys.O_DIRECTORY);
    try {
      expect(sys.newfstatat(dfd, path.slice(dir.length + 1)).st_ino).toBe(st.ino);
      expect(sys.newfstatat(dfd, '', undefined, sys.AT_EMPTY_PATH).st_ino).toBe(fs.statSync(dir, { bigint: true }).ino);
    } finally {
      sys.close(dfd);
    }
  });

  it('async.newfstatat matches fs.statSync', async () => {
    const { path, st } = sample();
    expectStatMatches(await sys.async.newfstatat(sys.AT_FDCWD, path), st);
    await expect(sys.async.newfstatat(sys.AT_FDCWD, join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT', path: join(dir, 'missing') });
  });
});

describe('statx', () => {
  function expectStatxMatches(x: sys.Statx, st: fs.BigIntStats): void {
    expect(x.stx_size).toBe(st.size);
    expect(BigInt(x.stx_mode)).toBe(st.mode);
    expect(x.stx_ino).toBe(st.ino);
    expect(BigInt(x.stx_nlink)).toBe(st.nlink);
    expect(BigInt(x.stx_uid)).toBe(st.uid);
    expect(BigInt(x.stx_gid)).toBe(st.gid);
    expect(x.stx_blocks).toBe(st.blocks);
    expect(BigInt(x.stx_blksize)).toBe(st.blksize);
    expect(makedev(x.stx_dev_major, x.stx_dev_minor)).toBe(st.dev);
    expect(x.stx_mtime.tv_sec).toBe(st.mtimeNs / NS);
    expect(BigInt(x.stx_mtime.tv_nsec)).toBe(st.mtimeNs % NS);
    expect(x.stx_atime.tv_sec).toBe(st.atimeNs / NS);
    expect(BigInt(x.stx_atime.tv_nsec)).toBe(st.atimeNs % NS);
    expect(x.stx_ctime.tv_sec).toBe(st.ctimeNs / NS);
    expect(BigInt(x.stx_ctime.tv_nsec)).toBe(st.ctimeNs % NS);
  }

  it('matches fs.statSync (size, mode, ino, nlink, ids, blocks, dev, times with nanoseconds)', () => {
    const { path, st } = sample();
    const x = sys.statx(sys.AT_FDCWD, path, 0, sys.STATX_BASIC_STATS | sys.STATX_BTIME);
    expectStatxMatches(x, st);
    // The kernel says which fields it filled: every basic one was asked for and is available on ext4/tmpfs.
    expect(x.stx_mask & sys.STATX_BASIC_STATS).toBe(sys.STATX_BASIC_STATS);
    if (x.stx_mask & sys.STATX_BTIME) {
      expect(x.stx_btime.tv_sec * NS + BigInt(x.stx_btime.tv_nsec)).toBe(st.birthtimeNs);
    }
  });

  it('reports the hard-link count after fs.linkSync', () => {
    const { path } = sample();
    fs.linkSync(path, fresh('hard'));
    const x = sys.statx(sys.AT_FDCWD, path, 0, sys.STATX_NLINK);
    expect(x.stx_nlink).toBe(2);
    expect(BigInt(x.stx_nlink)).toBe(fs.statSync(path, { bigint: true }).nlink);
  });

  it('AT_SYMLINK_NOFOLLOW describes the link as fs.lstatSync does', () => {
    const { path } = sample();
    const link = fresh('link');
    fs.symlinkSync(path, link);
    expectStatxMatches(sys.statx(sys.AT_FDCWD, link, sys.AT_SYMLINK_NOFOLLOW, sys.STATX_BASIC_STATS), fs.lstatSync(link, { bigint: true }));
  });

  it('async.statx matches fs.statSync', async () => {
    const { path, st } = sample();
    expectStatxMatches(await sys.async.statx(sys.AT_FDCWD, path, 0, sys.STATX_BASIC_STATS), st);
  });
});

describe('fchmod', () => {
  it('changes the permission bits fs.statSync reports', () => {
    const { path } = sample();
    const fd = sys.openat(sys.AT_FDCWD, path, sys.O_RDONLY);
    try {
      sys.fchmod(fd, 0o600);
      expect(fs.statSync(path).mode & 0o7777).toBe(0o600);
      sys.fchmod(fd, 0o2751);
      expect(fs.statSync(path).mode & 0o7777).toBe(0o2751);
      expect(fs.statSync(path).isFile()).toBe(true);
    } finally {
      sys.close(fd);
    }
  });
});

describe('fchown', () => {
  it('chown to our own uid/gid succeeds and leaves them as fs.statSync reports', () => {
    const { path } = sample();
    const fd = sys.openat(sys.AT_FDCWD, path, sys.O_RDONLY);
    try {
      sys.fchown(fd, process.getuid!(), process.getgid!());
      const st = fs.statSync(path);
      expect(st.uid).toBe(process.getuid!());
      expect(st.gid).toBe(process.getgid!());
    } finally {
      sys.close(fd);
    }
  });

  it('a foreign owner: applied when root (checked with fs), EPERM otherwise', () => {
    const { path } = sample();
    const fd = sys.openat(sys.AT_FDCWD, path, sys.O_RDONLY);
    try {
      if (process.getuid!() === 0) {
        sys.fchown(fd, 4321, 8765);
        const st = fs.statSync(path);
        expect([st.uid, st.gid]).toEqual([4321, 8765]);
        // (uid_t)-1 leaves a field unchanged.
        sys.fchown(fd, 0xffff_ffff, 1111);
        expect([fs.statSync(path).uid, fs.statSync(path).gid]).toEqual([4321, 1111]);
      } else {
        expect(() => sys.fchown(fd, process.getuid!() + 1, 0xffff_ffff)).toThrow(expect.objectContaining({ code: 'EPERM' }));
      }
    } finally {
      sys.close(fd);
    }
  });
  it('-1 means "leave unchanged", as in fchown(2) and Node’s fs.fchownSync', () => {
    const { path } = sample();
    const fd = sys.openat(sys.AT_FDCWD, path, sys.O_RDONLY);
    try {
      fs.fchownSync(fd, -1, -1); // Node accepts it
      sys.fchown(fd, -1, process.getgid!());
      sys.fchown(fd, process.getuid!(), -1);
      const st = fs.statSync(path);
      expect([st.uid, st.gid]).toEqual([process.getuid!(), process.getgid!()]);
    } finally {
      sys.close(fd);
    }
  });
});

describe('utimensat', () => {
  const times = (a: [number, number], m: [number, number]) =>
    sys.StructArray.from(sys.Timespec, [
      { tv_sec: BigInt(a[0]), tv_nsec: BigInt(a[1]) },
      { tv_sec: BigInt(m[0]), tv_nsec: BigInt(m[1]) },
    ]);
  /** UTIME_OMIT from utimensat(2): leave that timestamp unchanged. */
  const UTIME_OMIT = (1 << 30) - 2;

  it('sets atime and mtime with nanoseconds on a path, as fs.statSync reads them', () => {
    const { path } = sample();
    sys.utimensat(sys.AT_FDCWD, path, times([1_000_000_000, 123_456_789], [1_500_000_000, 987_654_321]), 0);
    const st = fs.statSync(path, { bigint: true });
    expect(st.atimeNs).toBe(1_000_000_000n * NS + 123_456_789n);
    expect(st.mtimeNs).toBe(1_500_000_000n * NS + 987_654_321n);
  });

  it('UTIME_OMIT leaves one timestamp alone', () => {
    const { path, st: before } = sample();
    sys.utimensat(sys.AT_FDCWD, path, times([0, UTIME_OMIT], [1_600_000_000, 5]), 0);
    const st = fs.statSync(path, { bigint: true });
    expect(st.atimeNs).toBe(before.atimeNs);
    expect(st.mtimeNs).toBe(1_600_000_000n * NS + 5n);
  });

  it('null times mean "now" (between two Date.now() readings)', () => {
    const { path } = sample();
    // File times come from the kernel's coarse clock, which lags the precise one
    // by up to a timer tick (4 ms at HZ=250; longer under qemu): allow 20 ms.
    const lo = BigInt(Date.now() - 20) * 1_000_000n;
    sys.utimensat(sys.AT_FDCWD, path, null, 0);
    const hi = BigInt(Date.now() + 1) * 1_000_000n;
    const st = fs.statSync(path, { bigint: true });
    expect(st.mtimeNs >= lo && st.mtimeNs <= hi).toBe(true);
  });

  it('AT_SYMLINK_NOFOLLOW changes the link, not its target', () => {
    const { path, st: target } = sample();
    const link = fresh('link');
    fs.symlinkSync(path, link);
    sys.utimensat(sys.AT_FDCWD, link, times([1_100_000_000, 0], [1_100_000_000, 42]), sys.AT_SYMLINK_NOFOLLOW);
    expect(fs.lstatSync(link, { bigint: true }).mtimeNs).toBe(1_100_000_000n * NS + 42n);
    expect(fs.statSync(path, { bigint: true }).mtimeNs).toBe(target.mtimeNs);
  });

  it('a null path with an fd sets the times of the open file', () => {
    const { path } = sample();
    const fd = sys.openat(sys.AT_FDCWD, path, sys.O_WRONLY);
    try {
      sys.utimensat(fd, null, times([1_200_000_000, 1], [1_200_000_000, 2]), 0);
    } finally {
      sys.close(fd);
    }
    expect(fs.statSync(path, { bigint: true }).mtimeNs).toBe(1_200_000_000n * NS + 2n);
  });

  it('refuses a StructArray that does not hold exactly two timespecs', () => {
    const { path, st } = sample();
    const one = sys.StructArray.from(sys.Timespec, [{ tv_sec: 5n }]);
    expect(() => sys.utimensat(sys.AT_FDCWD, path, one, 0)).toThrow(RangeError);
    expect(fs.statSync(path, { bigint: true }).mtimeNs).toBe(st.mtimeNs);
  });

  it('async.utimensat sets the times fs reads', async () => {
    const { path } = sample();
    await sys.async.utimensat(sys.AT_FDCWD, path, times([1_400_000_000, 7], [1_400_000_001, 8]), 0);
    const st = fs.statSync(path, { bigint: true });
    expect(st.atimeNs).toBe(1_400_000_000n * NS + 7n);
    expect(st.mtimeNs).toBe(1_400_000_001n * NS + 8n);
  });

  it('write through a descriptor updates mtime/size for both fstat and fs', () => {
    const { path } = sample();
    const fd = sys.openat(sys.AT_FDCWD, path, sys.O_WRONLY | sys.O_APPEND);
    try {
      sys.write(fd, bytes('more'));
      const s = sys.fstat(fd);
      const st = fs.statSync(path, { bigint: true });
      expect(s.st_size).toBe(st.size);
      expect(s.st_mtime * NS + s.st_mtime_nsec).toBe(st.mtimeNs);
    } finally {
      sys.close(fd);
    }
  });
});
