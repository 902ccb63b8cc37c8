/**
 * What must hold wherever the binding runs — natively under vitest, and on a
 * foreign Node under qemu-user or wine through the cross harness: the package
 * picks the addon built for this process.platform/process.arch, calls reach
 * this process's kernel, struct accessors read the kernel's bytes in the
 * target's byte order, and a 64-bit file offset past 4 GiB survives 32-bit
 * registers. Uses only names every Linux target has, and Node's own fs as
 * the independent side of each check.
 */
import fs from 'node:fs';
import { endianness, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';

const host = `${process.platform}-${process.arch}`;
const dir = fs.mkdtempSync(join(tmpdir(), 'sysbind-on-target-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const NS = 1_000_000_000n;

/** A file with sub-second times, as fstat and as Node's fs.statSync see it. */
function fstatSample(): { s: sys.Stat; st: fs.BigIntStats } {
  const path = join(dir, 'small');
  fs.writeFileSync(path, 'sysbind on target\n'.repeat(100));
  fs.utimesSync(path, 1_234_567_890.5, 1_300_000_000.25);
  const fd = sys.openat(sys.AT_FDCWD, path, sys.O_RDONLY);
  try {
    return { s: sys.fstat(fd), st: fs.statSync(path, { bigint: true }) };
  } finally {
    sys.close(fd);
  }
}

/** The offset of stx_size in struct statx: the uapi layout is the same on every architecture. */
const STX_SIZE_OFFSET = 40;

describe(`the binding on ${host}`, () => {
  it('is the addon built for this process.platform and process.arch', () => {
    expect(sys.target).toBe(host);
  });

  it('getpid() is process.pid', () => {
    expect(sys.getpid()).toBe(process.pid);
  });

  it("fstat agrees with this Node's fs.statSync: size, mode, inode, links, owner, device, times in seconds", () => {
    const { s, st } = fstatSample();
    expect(BigInt(s.st_size)).toBe(st.size);
    expect(BigInt(s.st_mode)).toBe(st.mode);
    expect(BigInt(s.st_ino)).toBe(st.ino);
    expect(BigInt(s.st_nlink)).toBe(st.nlink);
    expect(BigInt(s.st_uid)).toBe(st.uid);
    expect(BigInt(s.st_gid)).toBe(st.gid);
    expect(BigInt(s.st_dev)).toBe(st.dev);
    expect(BigInt(s.st_atime)).toBe(st.atimeNs / NS);
    expect(BigInt(s.st_mtime)).toBe(st.mtimeNs / NS);
  });

  it("fstat's nanoseconds agree with fs.statSync", () => {
    const { s, st } = fstatSample();
    expect(BigInt(s.st_atime_nsec)).toBe(st.atimeNs % NS);
    expect(BigInt(s.st_mtime_nsec)).toBe(st.mtimeNs % NS);
    expect(st.mtimeNs % NS).toBe(250_000_000n);
  });

  it('pwrite64/pread64 at an offset past 4 GiB; statx and fs.statSync agree on the 64-bit size', () => {
    const path = join(dir, 'sparse');
    const pos = 5n * 2n ** 30n + 3n;
    const fd = sys.openat(sys.AT_FDCWD, path, sys.O_RDWR | sys.O_CREAT | sys.O_LARGEFILE, 0o600);
    try {
      expect(sys.pwrite64(fd, new Uint8Array(Buffer.from('edge')), undefined, pos)).toBe(4);
      const back = new Uint8Array(8);
      expect(sys.pread64(fd, back, undefined, pos)).toBe(4);
      expect(Buffer.from(back.subarray(0, 4)).toString()).toBe('edge');
    } finally {
      sys.close(fd);
    }
    expect(fs.statSync(path, { bigint: true }).size).toBe(pos + 4n);
    const stx = sys.statx(sys.AT_FDCWD, path, 0, sys.STATX_SIZE);
    expect(stx.stx_size).toBe(pos + 4n);
    // The kernel wrote stx_size in this CPU's byte order; the accessor read it that way.
    const raw = new DataView(stx.bytes.buffer, stx.bytes.byteOffset + STX_SIZE_OFFSET, 8);
    expect(raw.getBigUint64(0, endianness() === 'LE')).toBe(pos + 4n);
  });

  it('network-order fields are big-endian on every target (sin_port 8080 is bytes 1f 90)', () => {
    const addr = sys.SockaddrIn.of({ sin_family: sys.AF_INET, sin_port: 8080 });
    expect([...addr.bytes.subarray(2, 4)]).toEqual([0x1f, 0x90]);
    expect(addr.sin_port).toBe(8080);
  });
});
