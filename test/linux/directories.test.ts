/**
 * Directory and name syscalls: every change is observed with Node's fs, the
 * working directory with process.cwd() or, in a child, /proc/<pid>/cwd.
 */
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { makeTempDir, runChild, sh, text } from './helpers.js';

let dir: string;
let cleanup: () => void;
let umask: number;
beforeAll(() => {
  ({ dir, cleanup } = makeTempDir('directories'));
  umask = parseInt(sh('umask'), 8);
});
afterAll(() => cleanup());

let n = 0;
const fresh = (name = 'e') => join(dir, `${name}-${++n}`);

/** Opens a directory, runs body with its fd, closes it. */
function withDir<T>(path: string, body: (dfd: number) => T): T {
  const dfd = sys.openat(sys.AT_FDCWD, path, sys.O_RDONLY | sys.O_DIRECTORY);
  try {
    return body(dfd);
  } finally {
    sys.close(dfd);
  }
}

describe('mkdirat', () => {
  it('creates a directory with mode & ~umask, as fs.statSync reports', () => {
    const p = fresh('d');
    sys.mkdirat(sys.AT_FDCWD, p, 0o751);
    const st = fs.statSync(p);
    expect(st.isDirectory()).toBe(true);
    expect(st.mode & 0o777).toBe(0o751 & ~umask);
  });

  it('creates relative to a directory fd and fails with EEXIST the second time', () => {
    const parent = fresh('parent');
    fs.mkdirSync(parent);
    withDir(parent, (dfd) => {
      sys.mkdirat(dfd, 'child', 0o700);
      expect(() => sys.mkdirat(dfd, 'child', 0o700)).toThrow(expect.objectContaining({ code: 'EEXIST', syscall: 'mkdirat', path: 'child' }));
    });
    expect(fs.readdirSync(parent)).toEqual(['child']);
  });

  it('async.mkdirat creates a directory fs can list', async () => {
    const p = fresh('ad');
    await sys.async.mkdirat(sys.AT_FDCWD, p, 0o755);
    expect(fs.statSync(p).isDirectory()).toBe(true);
    await expect(sys.async.mkdirat(sys.AT_FDCWD, p, 0o755)).rejects.toMatchObject({ code: 'EEXIST', path: p });
  });
});

describe('unlinkat', () => {
  it('removes a file (fs no longer finds it)', () => {
    const p = fresh();
    fs.writeFileSync(p, 'bye');
    sys.unlinkat(sys.AT_FDCWD, p);
    expect(fs.existsSync(p)).toBe(false);
  });

  it('removes an empty directory only with AT_REMOVEDIR', () => {
    const p = fresh('d');
    fs.mkdirSync(p);
    expect(() => sys.unlinkat(sys.AT_FDCWD, p)).toThrow(expect.objectContaining({ code: 'EISDIR', path: p }));
    expect(fs.existsSync(p)).toBe(true);
    sys.unlinkat(sys.AT_FDCWD, p, sys.AT_REMOVEDIR);
    expect(fs.existsSync(p)).toBe(false);
  });

  it('refuses a non-empty directory with ENOTEMPTY and a file with AT_REMOVEDIR with ENOTDIR', () => {
    const p = fresh('d');
    fs.mkdirSync(p);
    fs.writeFileSync(join(p, 'inside'), '');
    expect(() => sys.unlinkat(sys.AT_FDCWD, p, sys.AT_REMOVEDIR)).toThrow(expect.objectContaining({ code: 'ENOTEMPTY' }));
    expect(() => sys.unlinkat(sys.AT_FDCWD, join(p, 'inside'), sys.AT_REMOVEDIR)).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(fs.readdirSync(p)).toEqual(['inside']);
  });

  it('async.unlinkat removes a file relative to a directory fd', async () => {
    const parent = fresh('parent');
    fs.mkdirSync(parent);
    fs.writeFileSync(join(parent, 'x'), '');
    const dfd = sys.openat(sys.AT_FDCWD, parent, sys.O_RDONLY | sys.O_DIRECTORY);
    try {
      await sys.async.unlinkat(dfd, 'x');
    } finally {
      sys.close(dfd);
    }
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});

describe('renameat2', () => {
  it('moves a file between two directory fds', () => {
    const a = fresh('a');
    const b = fresh('b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    fs.writeFileSync(join(a, 'from'), 'moved content');
    withDir(a, (da) => withDir(b, (db) => sys.renameat2(da, 'from', db, 'to')));
    expect(fs.existsSync(join(a, 'from'))).toBe(false);
    expect(fs.readFileSync(join(b, 'to'), 'utf8')).toBe('moved content');
  });

  it('replaces an existing target by default', () => {
    const from = fresh();
    const to = fresh();
    fs.writeFileSync(from, 'new');
    fs.writeFileSync(to, 'old');
    sys.renameat2(sys.AT_FDCWD, from, sys.AT_FDCWD, to);
    expect(fs.readFileSync(to, 'utf8')).toBe('new');
    expect(fs.existsSync(from)).toBe(false);
  });

  it('RENAME_NOREPLACE fails with EEXIST (path and dest in the error) and changes nothing', () => {
    const from = fresh();
    const to = fresh();
    fs.writeFileSync(from, 'new');
    fs.writeFileSync(to, 'old');
    let err: unknown;
    try {
      sys.renameat2(sys.AT_FDCWD, from, sys.AT_FDCWD, to, sys.RENAME_NOREPLACE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(sys.SyscallError);
    expect(err).toMatchObject({ code: 'EEXIST', errno: 17, syscall: 'renameat2', path: from, dest: to });
    expect(fs.readFileSync(from, 'utf8')).toBe('new');
    expect(fs.readFileSync(to, 'utf8')).toBe('old');
  });

  it('RENAME_EXCHANGE swaps two files atomically', () => {
    const x = fresh();
    const y = fresh();
    fs.writeFileSync(x, 'X');
    fs.writeFileSync(y, 'Y');
    sys.renameat2(sys.AT_FDCWD, x, sys.AT_FDCWD, y, sys.RENAME_EXCHANGE);
    expect([fs.readFileSync(x, 'utf8'), fs.readFileSync(y, 'utf8')]).toEqual(['Y', 'X']);
  });

  it('async.renameat2 renames, and rejects with path and dest', async () => {
    const from = fresh();
    const to = fresh();
    fs.writeFileSync(from, 'async move');
    await sys.async.renameat2(sys.AT_FDCWD, from, sys.AT_FDCWD, to);
    expect(fs.readFileSync(to, 'utf8')).toBe('async move');
    await expect(sys.async.renameat2(sys.AT_FDCWD, from, sys.AT_FDCWD, to)).rejects.toMatchObject({ code: 'ENOENT', path: from, dest: to });
  });
});

describe('linkat', () => {
  it('makes a hard link: same inode, nlink 2, shared content', () => {
    const p = fresh();
    const l = fresh('hard');
    fs.writeFileSync(p, 'shared');
    sys.linkat(sys.AT_FDCWD, p, sys.AT_FDCWD, l);
    const a = fs.statSync(p, { bigint: true });
    const b = fs.statSync(l, { bigint: true });
    expect(b.ino).toBe(a.ino);
    expect(a.nlink).toBe(2n);
    fs.appendFileSync(l, '!');
    expect(fs.readFileSync(p, 'utf8')).toBe('shared!');
  });

  it('links a symlink itself by default and its target with AT_SYMLINK_FOLLOW', () => {
    const target = fresh('target');
    const sym = fresh('sym');
    fs.writeFileSync(target, 't');
    fs.symlinkSync(target, sym);
    const l1 = fresh('l1');
    const l2 = fresh('l2');
    sys.linkat(sys.AT_FDCWD, sym, sys.AT_FDCWD, l1);
    sys.linkat(sys.AT_FDCWD, sym, sys.AT_FDCWD, l2, sys.AT_SYMLINK_FOLLOW);
    expect(fs.lstatSync(l1).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(l1).ino).toBe(fs.lstatSync(sym).ino);
    expect(fs.lstatSync(l2).isFile()).toBe(true);
    expect(fs.statSync(l2).ino).toBe(fs.statSync(target).ino);
  });

  it('fails with EEXIST naming both paths', () => {
    const p = fresh();
    const q = fresh();
    fs.writeFileSync(p, '');
    fs.writeFileSync(q, '');
    expect(() => sys.linkat(sys.AT_FDCWD, p, sys.AT_FDCWD, q)).toThrow(expect.objectContaining({ code: 'EEXIST', path: p, dest: q }));
  });

  it('async.linkat raises nlink as fs sees it', async () => {
    const p = fresh();
    fs.writeFileSync(p, '');
    await sys.async.linkat(sys.AT_FDCWD, p, sys.AT_FDCWD, fresh('h1'));
    await sys.async.linkat(sys.AT_FDCWD, p, sys.AT_FDCWD, fresh('h2'));
    expect(fs.statSync(p).nlink).toBe(3);
  });
});

describe('symlinkat and readlinkat', () => {
  it('symlinkat creates a link fs.readlinkSync reads (dangling targets allowed)', () => {
    const l = fresh('sym');
    sys.symlinkat('does/not/exist', sys.AT_FDCWD, l);
    expect(fs.lstatSync(l).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(l)).toBe('does/not/exist');
  });

  it('symlinkat relative to a directory fd', () => {
    const parent = fresh('parent');
    fs.mkdirSync(parent);
    withDir(parent, (dfd) => sys.symlinkat('../target', dfd, 'rel'));
    expect(fs.readlinkSync(join(parent, 'rel'))).toBe('../target');
  });

  it('readlinkat returns the length (no NUL) and the bytes fs.readlinkSync reports', () => {
    const l = fresh('sym');
    const target = '/some/where/ünïcødé';
    fs.symlinkSync(target, l);
    const buf = new Uint8Array(256);
    const r = sys.readlinkat(sys.AT_FDCWD, l, buf);
    expect(r).toBe(Buffer.byteLength(target));
    expect(text(buf, r)).toBe(fs.readlinkSync(l));
  });

  it('readlinkat truncates to bufsiz and fails with EINVAL on a regular file', () => {
    const l = fresh('sym');
    fs.symlinkSync('abcdefgh', l);
    const buf = new Uint8Array(16);
    expect(sys.readlinkat(sys.AT_FDCWD, l, buf, 3)).toBe(3);
    expect(text(buf, 4)).toBe('abc\0');
    const f = fresh();
    fs.writeFileSync(f, '');
    expect(() => sys.readlinkat(sys.AT_FDCWD, f, buf)).toThrow(expect.objectContaining({ code: 'EINVAL', path: f }));
  });

  it('async.symlinkat and async.readlinkat agree with fs', async () => {
    const l = fresh('sym');
    await sys.async.symlinkat('async-target', sys.AT_FDCWD, l);
    expect(fs.readlinkSync(l)).toBe('async-target');
    fs.unlinkSync(l);
    fs.symlinkSync('made-by-fs', l);
    const buf = new Uint8Array(64);
    const r = await sys.async.readlinkat(sys.AT_FDCWD, l, buf);
    expect(text(buf, r)).toBe('made-by-fs');
  });
});

describe('getdents (struct linux_dirent, the older record)', () => {
  // unsigned long d_ino, d_off; unsigned short d_reclen; char d_name[]; the type in the record's last byte.
  const W = ['arm', 'ia32'].includes(process.arch) ? 4 : 8;
  const little = os.endianness() === 'LE';

  it('lists the same names as fs.readdirSync plus . and .., with inodes and types from lstat', () => {
    const p = fresh('old-listing');
    fs.mkdirSync(p);
    for (let i = 0; i < 60; i++) fs.writeFileSync(join(p, `entry-${i}`), '');
    fs.mkdirSync(join(p, 'dir'));
    const entries: { name: string; ino: bigint; type: number }[] = [];
    withDir(p, (dfd) => {
      const buf = new Uint8Array(512);
      for (let r; (r = sys.getdents(dfd, buf)) > 0; ) {
        const view = new DataView(buf.buffer, buf.byteOffset, r);
        for (let off = 0; off < r; ) {
          const ino = W === 8 ? view.getBigUint64(off, little) : BigInt(view.getUint32(off, little));
          const reclen = view.getUint16(off + 2 * W, little);
          const nameAt = off + 2 * W + 2;
          entries.push({ name: text(buf.subarray(nameAt, buf.indexOf(0, nameAt))), ino, type: buf[off + reclen - 1]! });
          off += reclen;
        }
      }
    });
    expect(entries.map((e) => e.name).sort()).toEqual(['.', '..', ...fs.readdirSync(p)].sort());
    for (const e of entries.filter((x) => !x.name.startsWith('.'))) {
      const st = fs.lstatSync(join(p, e.name), { bigint: true });
      expect(W === 8 ? e.ino : BigInt.asUintN(32, e.ino)).toBe(W === 8 ? st.ino : BigInt.asUintN(32, st.ino));
      expect(e.type).toBe(st.isDirectory() ? 4 : 8);
    }
  });

  it('a buffer that cannot hold one record is EINVAL; a count past the buffer is refused before the call', () => {
    const p = fresh('old-small');
    fs.mkdirSync(p);
    withDir(p, (dfd) => {
      expect(() => sys.getdents(dfd, new Uint8Array(8))).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'getdents' }));
      expect(() => sys.getdents(dfd, new Uint8Array(64), 65)).toThrow(RangeError);
    });
  });
});

describe('getdents64', () => {
  const DT_DIR = 4;
  const DT_REG = 8;
  const DT_LNK = 10;
  /** Offset of d_name in struct linux_dirent64 (after d_ino, d_off, d_reclen, d_type). */
  const D_NAME = 19;

  type Entry = { name: string; ino: bigint; type: number; off: bigint };
  /** Walks the records of one getdents64 result by d_reclen, through LinuxDirent64 views. */
  function parse(buf: Uint8Array, len: number): Entry[] {
    const out: Entry[] = [];
    for (let off = 0; off < len; ) {
      const d = new sys.LinuxDirent64(buf.subarray(off, off + sys.LinuxDirent64.size));
      expect(d.d_reclen).toBeGreaterThanOrEqual(D_NAME + 2);
      expect(d.d_reclen % 8).toBe(0);
      const rec = buf.subarray(off, off + d.d_reclen);
      const nameBytes = rec.subarray(D_NAME, rec.indexOf(0, D_NAME));
      out.push({ name: text(nameBytes), ino: d.d_ino, type: d.d_type, off: d.d_off });
      off += d.d_reclen;
    }
    return out;
  }

  function listing(): string {
    const p = fresh('listing');
    fs.mkdirSync(p);
    for (let i = 0; i < 150; i++) fs.writeFileSync(join(p, `file-${i}-${'x'.repeat(i % 40)}`), '');
    fs.mkdirSync(join(p, 'subdir'));
    fs.symlinkSync('file-0-', join(p, 'a-link'));
    return p;
  }

  it('lists the same names as fs.readdirSync plus . and .., with inodes and types from lstat', () => {
    const p = listing();
    const entries: Entry[] = [];
    withDir(p, (dfd) => {
      const buf = new Uint8Array(1024); // small, so the listing takes several calls
      let calls = 0;
      for (;;) {
        const r = sys.getdents64(dfd, buf);
        if (r === 0) break;
        calls++;
        entries.push(...parse(buf, r));
      }
      expect(calls).toBeGreaterThan(1);
    });
    const names = entries.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(['.', '..', ...fs.readdirSync(p)].sort());
    for (const e of entries) {
      if (e.name === '.' || e.name === '..') continue;
      const st = fs.lstatSync(join(p, e.name), { bigint: true });
      expect(e.ino).toBe(st.ino);
      expect(e.type).toBe(st.isDirectory() ? DT_DIR : st.isSymbolicLink() ? DT_LNK : DT_REG);
    }
    expect(entries.find((e) => e.name === '.')!.ino).toBe(fs.statSync(p, { bigint: true }).ino);
  });

  it('d_off is a cookie lseek accepts to resume after that entry', () => {
    const p = listing();
    withDir(p, (dfd) => {
      const buf = new Uint8Array(4096);
      const first = parse(buf, sys.getdents64(dfd, buf));
      expect(first.length).toBeGreaterThan(4);
      sys.lseek(dfd, first[2]!.off, sys.SEEK_SET);
      const again = parse(buf, sys.getdents64(dfd, buf));
      expect(again[0]!.name).toBe(first[3]!.name);
    });
  });

  it('fails with EINVAL when the buffer cannot hold one record, ENOTDIR on a file', () => {
    const p = listing();
    withDir(p, (dfd) => {
      expect(() => sys.getdents64(dfd, new Uint8Array(8))).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'getdents64' }));
    });
    const f = fresh();
    fs.writeFileSync(f, '');
    const fd = sys.openat(sys.AT_FDCWD, f, sys.O_RDONLY);
    try {
      expect(() => sys.getdents64(fd, new Uint8Array(1024))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    } finally {
      sys.close(fd);
    }
  });

  it('LinuxDirent64 exposes d_name (the spec declares d_name: char[])', () => {
    const p = fresh('one');
    fs.mkdirSync(p);
    fs.writeFileSync(join(p, 'only-file'), '');
    const names: unknown[] = [];
    withDir(p, (dfd) => {
      const buf = new Uint8Array(1024);
      const r = sys.getdents64(dfd, buf);
      for (let off = 0; off < r; ) {
        const d = new sys.LinuxDirent64(buf.subarray(off));
        // A string (like fixed char[] fields) or the bytes up to the NUL: either gives the whole name.
        const v: unknown = Reflect.get(d, 'd_name');
        names.push(v instanceof Uint8Array ? text(v, v.indexOf(0) < 0 ? v.length : v.indexOf(0)) : v);
        off += d.d_reclen;
      }
    });
    expect(names.sort()).toEqual(['.', '..', 'only-file']);
  });

  it('async.getdents64 lists what fs.readdirSync lists', async () => {
    const p = listing();
    const dfd = sys.openat(sys.AT_FDCWD, p, sys.O_RDONLY | sys.O_DIRECTORY);
    const names: string[] = [];
    try {
      const buf = new Uint8Array(2048);
      for (let r; (r = await sys.async.getdents64(dfd, buf)) > 0; ) names.push(...parse(buf, r).map((e) => e.name));
    } finally {
      sys.close(dfd);
    }
    expect(names.filter((x) => x !== '.' && x !== '..').sort()).toEqual(fs.readdirSync(p).sort());
  });
});

describe('getcwd', () => {
  it('fills the buffer with process.cwd() and returns its length including the NUL', () => {
    const buf = new Uint8Array(4096).fill(0xff);
    const r = sys.getcwd(buf);
    expect(r).toBe(Buffer.byteLength(process.cwd()) + 1);
    expect(text(buf, r - 1)).toBe(process.cwd());
    expect(buf[r - 1]).toBe(0);
  });

  it('fails with ERANGE when the buffer is too small', () => {
    const small = Buffer.byteLength(process.cwd());
    expect(() => sys.getcwd(new Uint8Array(small))).toThrow(expect.objectContaining({ code: 'ERANGE', syscall: 'getcwd' }));
  });
});

describe('fchdir (in a child process, so the test worker keeps its cwd)', () => {
  it('moves the child into the directory: /proc/self/cwd, relative fs paths and getcwd agree', () => {
    const p = fresh('cwd');
    fs.mkdirSync(p);
    fs.writeFileSync(join(p, 'marker.txt'), 'found by a relative path');
    const out = runChild('fchdir', [p]);
    expect(out.cwdLink).toBe(fs.realpathSync(p));
    expect(out.marker).toBe('found by a relative path');
    expect(out.getcwd).toBe(fs.realpathSync(p));
    expect(out.notDir).toBe('ENOTDIR');
  });
});
