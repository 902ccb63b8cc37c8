/**
 * File I/O syscalls called for real; every effect is read back through Node's
 * fs (or /proc), never through sysbind itself.
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { bytes, fdinfo, fdIsOpen, makeTempDir, sh, text } from './helpers.js';
import { addressOf } from './helpers.js';

let dir: string;
let cleanup: () => void;
let umask: number;
beforeAll(() => {
  ({ dir, cleanup } = makeTempDir('file-io'));
  umask = parseInt(sh('umask'), 8);
});
afterAll(() => cleanup());

let n = 0;
/** A new path in the scratch dir. */
const fresh = (name = 'f') => join(dir, `${name}-${++n}`);

/** Opens path for reading and writing (creating it), runs body, closes. */
function withFile<T>(path: string, body: (fd: number) => T, flags = sys.O_RDWR | sys.O_CREAT): T {
  const fd = sys.openat(sys.AT_FDCWD, path, flags, 0o644);
  try {
    return body(fd);
  } finally {
    sys.close(fd);
  }
}

describe('openat', () => {
  it('creates a file with the given mode (minus umask) that fs sees', () => {
    const p = fresh();
    const fd = sys.openat(sys.AT_FDCWD, p, sys.O_WRONLY | sys.O_CREAT | sys.O_EXCL, 0o640);
    sys.close(fd);
    const st = fs.statSync(p);
    expect(st.isFile()).toBe(true);
    expect(st.mode & 0o777).toBe(0o640 & ~umask);
    expect(st.size).toBe(0);
  });

  it('resolves a relative name against a directory fd', () => {
    const sub = fresh('dir');
    fs.mkdirSync(sub);
    const dfd = sys.openat(sys.AT_FDCWD, sub, sys.O_RDONLY | sys.O_DIRECTORY);
    try {
      const fd = sys.openat(dfd, 'inner.txt', sys.O_WRONLY | sys.O_CREAT, 0o600);
      sys.write(fd, bytes('inside'));
      sys.close(fd);
    } finally {
      sys.close(dfd);
    }
    expect(fs.readFileSync(join(sub, 'inner.txt'), 'utf8')).toBe('inside');
  });

  it('honours O_TRUNC and O_APPEND', () => {
    const p = fresh();
    fs.writeFileSync(p, '0123456789');
    withFile(p, () => undefined, sys.O_WRONLY | sys.O_TRUNC);
    expect(fs.statSync(p).size).toBe(0);
    fs.writeFileSync(p, 'abc');
    withFile(p, (fd) => sys.write(fd, bytes('def')), sys.O_WRONLY | sys.O_APPEND);
    expect(fs.readFileSync(p, 'utf8')).toBe('abcdef');
  });

  it('sets the access mode and O_CLOEXEC the kernel reports in fdinfo', () => {
    const p = fresh();
    fs.writeFileSync(p, 'x');
    withFile(p, (fd) => {
      const flags = parseInt(fdinfo(fd).get('flags')!, 8);
      expect(flags & 3).toBe(fs.constants.O_WRONLY);
      expect(flags & 0o2000000).toBe(0o2000000); // O_CLOEXEC as fdinfo shows it
    }, sys.O_WRONLY | sys.O_CLOEXEC);
  });

  it('async.openat opens the same file fs wrote', async () => {
    const p = fresh();
    fs.writeFileSync(p, 'async-open');
    const fd = await sys.async.openat(sys.AT_FDCWD, p, sys.O_RDONLY);
    try {
      expect(fs.readlinkSync(`/proc/self/fd/${fd}`)).toBe(p);
      expect(fs.readFileSync(`/proc/self/fd/${fd}`, 'utf8')).toBe('async-open');
    } finally {
      sys.close(fd);
    }
  });
});

describe('write and read', () => {
  it('write puts bytes in the file that fs.readFileSync returns', () => {
    const p = fresh();
    const r = withFile(p, (fd) => sys.write(fd, bytes('hello, kernel')));
    expect(r).toBe(13);
    expect(fs.readFileSync(p, 'utf8')).toBe('hello, kernel');
  });

  it('write honours an explicit count smaller than the buffer', () => {
    const p = fresh();
    expect(withFile(p, (fd) => sys.write(fd, bytes('abcdefgh'), 3))).toBe(3);
    expect(fs.readFileSync(p, 'utf8')).toBe('abc');
  });

  it('write accepts a Buffer, a DataView and an ArrayBuffer', () => {
    const p = fresh();
    withFile(p, (fd) => {
      sys.write(fd, Buffer.from('A'));
      sys.write(fd, new DataView(new Uint8Array([0x42]).buffer));
      sys.write(fd, new Uint8Array([0x43]).buffer);
    });
    expect(fs.readFileSync(p, 'utf8')).toBe('ABC');
  });

  it('read returns what fs wrote, then 0 at end of file', () => {
    const p = fresh();
    fs.writeFileSync(p, 'from node fs');
    withFile(p, (fd) => {
      const buf = new Uint8Array(64);
      const r = sys.read(fd, buf);
      expect(r).toBe(12);
      expect(text(buf, r)).toBe('from node fs');
      expect(sys.read(fd, buf)).toBe(0);
    });
  });

  it('read honours count and advances the file position fdinfo reports', () => {
    const p = fresh();
    fs.writeFileSync(p, 'abcdefghij');
    withFile(p, (fd) => {
      const buf = new Uint8Array(10);
      expect(sys.read(fd, buf, 4)).toBe(4);
      expect(text(buf, 4)).toBe('abcd');
      expect(buf[4]).toBe(0);
      expect(fdinfo(fd).get('pos')).toBe('4');
    });
  });

  it('read refuses a count larger than the buffer (RangeError, nothing read)', () => {
    const p = fresh();
    fs.writeFileSync(p, 'abcdefghij');
    withFile(p, (fd) => {
      expect(() => sys.read(fd, new Uint8Array(4), 8)).toThrow(RangeError);
      expect(fdinfo(fd).get('pos')).toBe('0');
    });
  });

  it('async.write and async.read move the same bytes as fs', async () => {
    const p = fresh();
    const fd = sys.openat(sys.AT_FDCWD, p, sys.O_RDWR | sys.O_CREAT, 0o644);
    try {
      expect(await sys.async.write(fd, bytes('async bytes'))).toBe(11);
      expect(fs.readFileSync(p, 'utf8')).toBe('async bytes');
      fs.writeFileSync(p, 'replaced by fs');
      sys.lseek(fd, 0, sys.SEEK_SET);
      const buf = new Uint8Array(32);
      const r = await sys.async.read(fd, buf);
      expect(text(buf, r)).toBe('replaced by fs');
    } finally {
      sys.close(fd);
    }
  });
});

describe('pread64 and pwrite64', () => {
  it('pwrite64 writes at an offset (hole reads as zeros) without moving the position', () => {
    const p = fresh();
    withFile(p, (fd) => {
      expect(sys.pwrite64(fd, bytes('XYZ'), undefined, 100)).toBe(3);
      expect(fdinfo(fd).get('pos')).toBe('0');
    });
    const data = fs.readFileSync(p);
    expect(data.length).toBe(103);
    expect(data.subarray(0, 100).every((b) => b === 0)).toBe(true);
    expect(data.subarray(100).toString()).toBe('XYZ');
  });

  it('pread64 reads at an offset, also a bigint one', () => {
    const p = fresh();
    fs.writeFileSync(p, '0123456789abcdef');
    withFile(p, (fd) => {
      const buf = new Uint8Array(4);
      expect(sys.pread64(fd, buf, undefined, 10)).toBe(4);
      expect(text(buf)).toBe('abcd');
      expect(sys.pread64(fd, buf, 2, 3n)).toBe(2);
      expect(text(buf, 2)).toBe('34');
      expect(fdinfo(fd).get('pos')).toBe('0');
    });
  });

  it('pwrite64 beyond 4 GiB (bigint offset) makes a sparse file of that size', () => {
    const p = fresh();
    const off = 5n * 1024n ** 3n;
    withFile(p, (fd) => sys.pwrite64(fd, bytes('far'), undefined, off));
    const st = fs.statSync(p, { bigint: true });
    expect(st.size).toBe(off + 3n);
    const fd = fs.openSync(p, 'r');
    try {
      const b = Buffer.alloc(3);
      fs.readSync(fd, b, 0, 3, Number(off));
      expect(b.toString()).toBe('far');
    } finally {
      fs.closeSync(fd);
    }
  });

  it('async.pwrite64 and async.pread64 work at offsets', async () => {
    const p = fresh();
    fs.writeFileSync(p, '..........');
    const fd = sys.openat(sys.AT_FDCWD, p, sys.O_RDWR);
    try {
      expect(await sys.async.pwrite64(fd, bytes('AB'), undefined, 4)).toBe(2);
      expect(fs.readFileSync(p, 'utf8')).toBe('....AB....');
      const buf = new Uint8Array(3);
      expect(await sys.async.pread64(fd, buf, undefined, 3)).toBe(3);
      expect(text(buf)).toBe('.AB');
    } finally {
      sys.close(fd);
    }
  });

  it('pread64 on a pipe fails with ESPIPE', () => {
    const [r, w] = sys.pipe2();
    try {
      expect(() => sys.pread64(r, new Uint8Array(1), undefined, 0)).toThrow(expect.objectContaining({ code: 'ESPIPE' }));
    } finally {
      sys.close(r);
      sys.close(w);
    }
  });
});

describe('readv and writev', () => {
  it('writev gathers several buffers in order', () => {
    const p = fresh();
    const vec = sys.StructArray.from(sys.Iovec, [{ iov_base: bytes('one,') }, { iov_base: bytes('two,') }, { iov_base: bytes('three') }]);
    expect(withFile(p, (fd) => sys.writev(fd, vec))).toBe(13);
    expect(fs.readFileSync(p, 'utf8')).toBe('one,two,three');
  });

  it('writev with vlen writes only the first vectors', () => {
    const p = fresh();
    const vec = sys.StructArray.from(sys.Iovec, [{ iov_base: bytes('a') }, { iov_base: bytes('b') }, { iov_base: bytes('c') }]);
    expect(withFile(p, (fd) => sys.writev(fd, vec, 2))).toBe(2);
    expect(fs.readFileSync(p, 'utf8')).toBe('ab');
  });

  it('readv scatters the file across buffers in order', () => {
    const p = fresh();
    fs.writeFileSync(p, 'abcdefghij');
    const a = new Uint8Array(3);
    const b = new Uint8Array(5);
    const c = new Uint8Array(8);
    const vec = sys.StructArray.from(sys.Iovec, [{ iov_base: a }, { iov_base: b }, { iov_base: c }]);
    expect(withFile(p, (fd) => sys.readv(fd, vec))).toBe(10);
    expect(text(a)).toBe('abc');
    expect(text(b)).toBe('defgh');
    expect(text(c, 2)).toBe('ij');
  });

  it('an iovec set from a subarray covers exactly that window', () => {
    const p = fresh();
    fs.writeFileSync(p, 'WXYZ');
    const big = new Uint8Array(16).fill(0x2e);
    const vec = sys.StructArray.from(sys.Iovec, [{ iov_base: big.subarray(6, 10) }]);
    expect(vec.at(0).iov_len).toBe(4n);
    withFile(p, (fd) => sys.readv(fd, vec));
    expect(text(big)).toBe('......WXYZ......');
  });

  it('async.writev and async.readv', async () => {
    const p = fresh();
    const fd = sys.openat(sys.AT_FDCWD, p, sys.O_RDWR | sys.O_CREAT, 0o644);
    try {
      const out = sys.StructArray.from(sys.Iovec, [{ iov_base: bytes('async-') }, { iov_base: bytes('vector') }]);
      expect(await sys.async.writev(fd, out)).toBe(12);
      expect(fs.readFileSync(p, 'utf8')).toBe('async-vector');
      const x = new Uint8Array(6);
      const y = new Uint8Array(6);
      sys.lseek(fd, 0, sys.SEEK_SET);
      expect(await sys.async.readv(fd, sys.StructArray.from(sys.Iovec, [{ iov_base: x }, { iov_base: y }]))).toBe(12);
      expect([text(x), text(y)]).toEqual(['async-', 'vector']);
    } finally {
      sys.close(fd);
    }
  });
});

describe('pointer fields are sealed before the kernel sees them', () => {
  // A struct's bytes are writable and its length fields settable, so the
  // address a setter stored is never trusted: each call rewrites it from the
  // buffer the struct keeps and checks the length against that buffer.
  it('an iov_len longer than its buffer is a RangeError, and the file is not read', () => {
    const p = fresh();
    fs.writeFileSync(p, 'x'.repeat(4096));
    const small = new Uint8Array(8);
    const vec = sys.StructArray.from(sys.Iovec, [{ iov_base: small }]);
    vec.at(0).iov_len = 1 << 20;
    withFile(p, (fd) => {
      expect(() => sys.readv(fd, vec)).toThrow(/'vec\[0\]\.iov_len' is 1048576, but vec\[0\]\.iov_base holds 8 bytes/);
      expect(() => sys.readv(fd, vec)).toThrow(RangeError);
      // Nothing was consumed: the kernel never ran (fdinfo's pos is the file offset).
      expect(fdinfo(fd).get('pos')).toBe('0');
    });
    expect(small.every((b) => b === 0)).toBe(true);
  });

  it('an address written into the bytes is replaced by the kept buffer\'s', () => {
    const p = fresh();
    fs.writeFileSync(p, 'sealed');
    const dest = new Uint8Array(6);
    const vec = sys.StructArray.from(sys.Iovec, [{ iov_base: dest }]);
    // Point the raw bytes at an address this process has not mapped: used as is, the kernel would answer EFAULT.
    new DataView(vec.bytes.buffer, vec.bytes.byteOffset).setUint32(0, 0x1000, true);
    withFile(p, (fd) => expect(sys.readv(fd, vec)).toBe(6));
    expect(text(dest)).toBe('sealed');
  });

  it('bytes of an unset iovec that claim a length are refused', () => {
    const vec = new sys.StructArray(sys.Iovec, 1);
    vec.at(0).iov_len = 64;
    withFile(fresh(), (fd) => expect(() => sys.readv(fd, vec)).toThrow(/'vec\[0\]\.iov_len' is 64, but vec\[0\]\.iov_base holds 0 bytes/));
  });

  it('a detached buffer holds nothing', () => {
    const buf = new Uint8Array(16);
    const vec = sys.StructArray.from(sys.Iovec, [{ iov_base: buf }]);
    structuredClone(buf.buffer, { transfer: [buf.buffer] });
    expect(buf.byteLength).toBe(0);
    withFile(fresh(), (fd) => expect(() => sys.readv(fd, vec)).toThrow(/holds 0 bytes/));
  });

  it('msghdr: the iovecs behind msg_iov are sealed too', () => {
    const [a, b] = sys.socketpair(sys.AF_UNIX, sys.SOCK_DGRAM, 0);
    try {
      const small = new Uint8Array(4);
      const iov = sys.StructArray.from(sys.Iovec, [{ iov_base: small }]);
      iov.at(0).iov_len = 4096;
      const msg = new sys.Msghdr();
      msg.msg_iov = iov;
      expect(() => sys.recvmsg(b, msg, sys.MSG_DONTWAIT)).toThrow(/'msg\.msg_iov\[0\]\.iov_len' is 4096, but msg\.msg_iov\[0\]\.iov_base holds 4 bytes/);
      msg.msg_iovlen = 2;
      expect(() => sys.recvmsg(b, msg, sys.MSG_DONTWAIT)).toThrow(/'msg\.msg_iovlen' is 2, but msg\.msg_iov holds 1 elements/);
    } finally {
      sys.close(a);
      sys.close(b);
    }
  });
});

describe('lseek', () => {
  it('returns a bigint; SEEK_END is the size fs reports, SEEK_SET positions the next read', () => {
    const p = fresh();
    fs.writeFileSync(p, 'abcdefghijklmnopqrstuvwxyz');
    withFile(p, (fd) => {
      const end = sys.lseek(fd, 0, sys.SEEK_END);
      expect(typeof end).toBe('bigint');
      expect(end).toBe(fs.statSync(p, { bigint: true }).size);
      expect(sys.lseek(fd, 20, sys.SEEK_SET)).toBe(20n);
      expect(fdinfo(fd).get('pos')).toBe('20');
      const buf = new Uint8Array(3);
      sys.read(fd, buf);
      expect(text(buf)).toBe('uvw');
      expect(sys.lseek(fd, -5, sys.SEEK_CUR)).toBe(18n);
      expect(sys.lseek(fd, -1n, sys.SEEK_END)).toBe(25n);
    });
  });

  it('seeking past the end then writing grows the file', () => {
    const p = fresh();
    withFile(p, (fd) => {
      sys.lseek(fd, 4096n, sys.SEEK_SET);
      sys.write(fd, bytes('!'));
    });
    expect(fs.statSync(p).size).toBe(4097);
  });

  it('fails with EINVAL for a negative result and ESPIPE on a pipe', () => {
    const p = fresh();
    withFile(p, (fd) => {
      expect(() => sys.lseek(fd, -1, sys.SEEK_SET)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'lseek' }));
    });
    const [r, w] = sys.pipe2();
    try {
      expect(() => sys.lseek(r, 0, sys.SEEK_CUR)).toThrow(expect.objectContaining({ code: 'ESPIPE' }));
    } finally {
      sys.close(r);
      sys.close(w);
    }
  });
});

describe('close', () => {
  it('closes the descriptor: /proc no longer lists it, fs and a second close get EBADF', () => {
    const p = fresh();
    fs.writeFileSync(p, 'x');
    const fd = sys.openat(sys.AT_FDCWD, p, sys.O_RDONLY);
    expect(fdIsOpen(fd)).toBe(true);
    sys.close(fd);
    expect(fdIsOpen(fd)).toBe(false);
    expect(() => fs.fstatSync(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
    expect(() => sys.close(fd)).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'close' }));
  });

  it('closing the write end of a pipe gives the reader end-of-file', () => {
    const [r, w] = sys.pipe2();
    fs.writeSync(w, 'last');
    sys.close(w);
    const buf = Buffer.alloc(16);
    expect(fs.readSync(r, buf)).toBe(4);
    expect(fs.readSync(r, buf)).toBe(0);
    sys.close(r);
  });
});

describe('fsync and fdatasync', () => {
  it('succeed on a written regular file whose bytes fs then reads', () => {
    const p = fresh();
    withFile(p, (fd) => {
      sys.write(fd, bytes('durable'));
      expect(sys.fsync(fd)).toBeUndefined();
      sys.write(fd, bytes('!'));
      expect(sys.fdatasync(fd)).toBeUndefined();
    });
    expect(fs.readFileSync(p, 'utf8')).toBe('durable!');
  });

  it('fail with EINVAL on a pipe and EBADF on a closed fd (the fd reaches the kernel)', () => {
    const [r, w] = sys.pipe2();
    try {
      expect(() => sys.fsync(w)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'fsync' }));
      expect(() => sys.fdatasync(w)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'fdatasync' }));
    } finally {
      sys.close(r);
      sys.close(w);
    }
    expect(() => sys.fsync(r)).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });

  it('async.fsync and async.fdatasync resolve on a file and reject on a pipe', async () => {
    const p = fresh();
    const fd = sys.openat(sys.AT_FDCWD, p, sys.O_WRONLY | sys.O_CREAT, 0o644);
    const [r, w] = sys.pipe2();
    try {
      sys.write(fd, bytes('async durable'));
      await expect(sys.async.fsync(fd)).resolves.toBeUndefined();
      await expect(sys.async.fdatasync(fd)).resolves.toBeUndefined();
      await expect(sys.async.fsync(w)).rejects.toMatchObject({ code: 'EINVAL', syscall: 'fsync' });
      await expect(sys.async.fdatasync(w)).rejects.toMatchObject({ code: 'EINVAL', syscall: 'fdatasync' });
    } finally {
      sys.close(fd);
      sys.close(r);
      sys.close(w);
    }
    expect(fs.readFileSync(p, 'utf8')).toBe('async durable');
  });
});

describe('ftruncate and fallocate', () => {
  it('ftruncate grows and shrinks the file as fs.statSync sees it', () => {
    const p = fresh();
    fs.writeFileSync(p, 'abcdefghij');
    withFile(p, (fd) => {
      sys.ftruncate(fd, 1000);
      expect(fs.statSync(p).size).toBe(1000);
      sys.ftruncate(fd, 4n);
      expect(fs.statSync(p).size).toBe(4);
    });
    expect(fs.readFileSync(p, 'utf8')).toBe('abcd');
  });

  it('ftruncate of a read-only descriptor fails with EINVAL', () => {
    const p = fresh();
    fs.writeFileSync(p, 'abc');
    withFile(p, (fd) => expect(() => sys.ftruncate(fd, 0)).toThrow(expect.objectContaining({ code: 'EINVAL' })), sys.O_RDONLY);
    expect(fs.statSync(p).size).toBe(3);
  });

  it('fallocate reserves blocks and extends the size', () => {
    const p = fresh();
    withFile(p, (fd) => sys.fallocate(fd, 0, 0, 1 << 20));
    const st = fs.statSync(p);
    expect(st.size).toBe(1 << 20);
    expect(st.blocks * 512).toBeGreaterThanOrEqual(1 << 20);
  });

  it('fallocate at an offset leaves earlier bytes alone', () => {
    const p = fresh();
    fs.writeFileSync(p, 'keep');
    withFile(p, (fd) => sys.fallocate(fd, 0, 8192n, 4096n));
    expect(fs.statSync(p).size).toBe(8192 + 4096);
    expect(fs.readFileSync(p).subarray(0, 4).toString()).toBe('keep');
  });

  it('async.ftruncate and async.fallocate change the size fs reports', async () => {
    const p = fresh();
    const fd = sys.openat(sys.AT_FDCWD, p, sys.O_RDWR | sys.O_CREAT, 0o644);
    try {
      await sys.async.ftruncate(fd, 12345);
      expect(fs.statSync(p).size).toBe(12345);
      await sys.async.fallocate(fd, 0, 0, 65536);
      expect(fs.statSync(p).size).toBe(65536);
      await expect(sys.async.ftruncate(fd, -1)).rejects.toMatchObject({ code: 'EINVAL', syscall: 'ftruncate' });
    } finally {
      sys.close(fd);
    }
  });
});

describe('io_getevents (Linux AIO completions)', () => {
  /** IOCB_CMD_PREAD of linux/aio_abi.h. */
  const IOCB_CMD_PREAD = 0;

  it('collects the completion of a pread submitted with io_submit: its aio_data, the bytes fs reads, the iocb submitted', () => {
    const path = fresh('aio');
    fs.writeFileSync(path, 'linux aio completion through io_getevents\n'.repeat(20));
    const ctx = new BigUint64Array(1);
    sys.io_setup(4, ctx);
    try {
      withFile(path, (fd) => {
        const buf = new Uint8Array(100);
        const cb = sys.Iocb.of({ aio_data: 0xfeedn, aio_lio_opcode: IOCB_CMD_PREAD, aio_fildes: fd, aio_buf: addressOf(buf), aio_nbytes: 100n, aio_offset: 7n });
        // The submission takes addresses (an array of iocb pointers): the unsafe_ form, used here only to make work.
        expect(sys.unsafe_io_submit(ctx[0]!, 1, BigUint64Array.of(addressOf(cb.bytes)))).toBe(1);
        const events = new sys.StructArray(sys.IoEvent, 4);
        expect(sys.io_getevents(ctx[0]!, 1, undefined, events, sys.Timespec.of({ tv_sec: 5n, tv_nsec: 0n }))).toBe(1);
        const e = events.at(0);
        expect(e.data).toBe(0xfeedn);
        expect(e.obj).toBe(addressOf(cb.bytes));
        expect(e.res).toBe(100n);
        expect(Buffer.from(buf).equals(fs.readFileSync(path).subarray(7, 107))).toBe(true);
      });
      // Nothing more to collect: min_nr 0 returns at once with none.
      expect(sys.io_getevents(ctx[0]!, 0, undefined, new sys.StructArray(sys.IoEvent, 2), null)).toBe(0);
    } finally {
      sys.io_destroy(ctx[0]!);
    }
  });

  it('an nr past the events array is refused before the call', () => {
    expect(() => sys.io_getevents(1n, 0, 3, new sys.StructArray(sys.IoEvent, 2), null)).toThrow(RangeError);
  });

  it('a context that is not one is EINVAL', () => {
    expect(() => sys.io_getevents(12345n, 0, 1, new sys.StructArray(sys.IoEvent, 1), null)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });
});
