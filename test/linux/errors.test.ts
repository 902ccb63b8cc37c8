/**
 * Kernel errors surface as SyscallError with Node-style fields; codes and
 * numbers are checked against what Node's fs throws for the same operation and
 * against os.constants.errno.
 */
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { makeTempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = makeTempDir('errors')));
afterAll(() => cleanup());

/** The error f throws (fails the test if it does not throw). */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('SyscallError from openat of a missing path', () => {
  it('has code ENOENT, errno 2, syscall openat and the path, like Node’s own error', () => {
    const missing = join(dir, 'no', 'such', 'file');
    const e = thrown(() => sys.openat(sys.AT_FDCWD, missing, sys.O_RDONLY));
    expect(e).toBeInstanceOf(sys.SyscallError);
    expect(e).toBeInstanceOf(Error);
    const err = e as sys.SyscallError;
    expect(err.code).toBe('ENOENT');
    expect(err.errno).toBe(2);
    expect(err.errno).toBe(os.constants.errno.ENOENT);
    expect(err.syscall).toBe('openat');
    expect(err.path).toBe(missing);
    expect(err.dest).toBeUndefined();
    expect(err.name).toBe('SyscallError');
    expect(err.message).toContain('ENOENT');
    expect(err.message).toContain(missing);
    expect(err.stack).toContain('SyscallError');
    const nodeErr = thrown(() => fs.openSync(missing, 'r')) as NodeJS.ErrnoException;
    expect(err.code).toBe(nodeErr.code);
    expect(err.errno).toBe(-nodeErr.errno!); // Node's errno is negative (libuv style)
  });
});

describe('EBADF', () => {
  it('close of a closed fd throws EBADF, as fs.closeSync does', () => {
    const fd = sys.openat(sys.AT_FDCWD, dir, sys.O_RDONLY | sys.O_DIRECTORY);
    sys.close(fd);
    const e = thrown(() => sys.close(fd)) as sys.SyscallError;
    expect(e).toBeInstanceOf(sys.SyscallError);
    expect(e).toMatchObject({ code: 'EBADF', errno: os.constants.errno.EBADF, syscall: 'close' });
    expect(e.path).toBeUndefined();
    expect((thrown(() => fs.closeSync(fd)) as NodeJS.ErrnoException).code).toBe('EBADF');
  });

  it('read/write/fstat on a bad fd throw EBADF naming the call', () => {
    expect(thrown(() => sys.read(-1, new Uint8Array(1)))).toMatchObject({ code: 'EBADF', syscall: 'read' });
    expect(thrown(() => sys.write(-1, new Uint8Array(1)))).toMatchObject({ code: 'EBADF', syscall: 'write' });
    expect(thrown(() => sys.fstat(-1))).toMatchObject({ code: 'EBADF', syscall: 'fstat' });
  });
});

describe('errors carrying two paths', () => {
  it('renameat2 of a missing source: path and dest are both set, message shows both', () => {
    const from = join(dir, 'absent');
    const to = join(dir, 'target');
    const e = thrown(() => sys.renameat2(sys.AT_FDCWD, from, sys.AT_FDCWD, to)) as sys.SyscallError;
    expect(e).toBeInstanceOf(sys.SyscallError);
    expect(e).toMatchObject({ code: 'ENOENT', errno: 2, syscall: 'renameat2', path: from, dest: to });
    expect(e.message).toContain(from);
    expect(e.message).toContain(to);
    expect((thrown(() => fs.renameSync(from, to)) as NodeJS.ErrnoException).code).toBe(e.code);
  });

  it('renameat2 RENAME_NOREPLACE onto an existing file: EEXIST with path and dest', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    fs.writeFileSync(a, 'a');
    fs.writeFileSync(b, 'b');
    expect(thrown(() => sys.renameat2(sys.AT_FDCWD, a, sys.AT_FDCWD, b, sys.RENAME_NOREPLACE))).toMatchObject({
      code: 'EEXIST',
      errno: os.constants.errno.EEXIST,
      path: a,
      dest: b,
    });
  });
});

describe('the same failure through sysbind and through Node fs has the same code', () => {
  const cases: Array<[string, (d: string) => unknown, (d: string) => unknown]> = [
    ['mkdir of an existing dir', (d) => sys.mkdirat(sys.AT_FDCWD, d, 0o755), (d) => fs.mkdirSync(d)],
    ['rmdir of a non-empty dir', (d) => sys.unlinkat(sys.AT_FDCWD, d, sys.AT_REMOVEDIR), (d) => fs.rmdirSync(d)],
    ['unlink of a directory', (d) => sys.unlinkat(sys.AT_FDCWD, d), (d) => fs.unlinkSync(d)],
    ['readlink of a regular file', (d) => sys.readlinkat(sys.AT_FDCWD, join(d, 'file'), new Uint8Array(64)), (d) => fs.readlinkSync(join(d, 'file'))],
    ['open of file/child', (d) => sys.openat(sys.AT_FDCWD, join(d, 'file', 'child'), sys.O_RDONLY), (d) => fs.openSync(join(d, 'file', 'child'), 'r')],
    ['symlink over an existing name', (d) => sys.symlinkat('x', sys.AT_FDCWD, join(d, 'file')), (d) => fs.symlinkSync('x', join(d, 'file'))],
    ['link from a missing file', (d) => sys.linkat(sys.AT_FDCWD, join(d, 'nope'), sys.AT_FDCWD, join(d, 'new')), (d) => fs.linkSync(join(d, 'nope'), join(d, 'new'))],
    ['O_CREAT|O_EXCL of an existing file', (d) => sys.openat(sys.AT_FDCWD, join(d, 'file'), sys.O_CREAT | sys.O_EXCL | sys.O_WRONLY, 0o644), (d) => fs.openSync(join(d, 'file'), 'wx')],
  ];
  for (const [name, viaSys, viaNode] of cases) {
    it(name, () => {
      const d = fs.mkdtempSync(join(dir, 'case-'));
      fs.writeFileSync(join(d, 'file'), 'content');
      const ours = thrown(() => viaSys(d)) as sys.SyscallError;
      const node = thrown(() => viaNode(d)) as NodeJS.ErrnoException;
      expect(ours).toBeInstanceOf(sys.SyscallError);
      expect(ours.code).toBe(node.code);
      expect(ours.errno).toBe(-node.errno!);
    });
  }
});

describe('errno table', () => {
  it('every errno name Node knows has the same number in sysbind’s table', () => {
    let compared = 0;
    for (const [num, [name]] of sys.errnoTable) {
      const nodeNum = (os.constants.errno as Record<string, number>)[name];
      if (nodeNum === undefined) continue;
      expect([name, num]).toEqual([name, nodeNum]);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(70); // Node knows ~77 of the ~130 names
  });
});

describe('async errors', () => {
  it('async.openat rejects with a SyscallError carrying the path', async () => {
    const missing = join(dir, 'async-missing');
    const p = sys.async.openat(sys.AT_FDCWD, missing, sys.O_RDONLY);
    await expect(p).rejects.toBeInstanceOf(sys.SyscallError);
    await expect(p).rejects.toMatchObject({ code: 'ENOENT', errno: 2, syscall: 'openat', path: missing });
  });

  it('async.read on a closed fd rejects with EBADF', async () => {
    await expect(sys.async.read(-1, new Uint8Array(4))).rejects.toMatchObject({ code: 'EBADF', syscall: 'read' });
  });
});

describe('argument errors are not SyscallErrors', () => {
  it('a wrong type is a TypeError (ERR_INVALID_ARG_TYPE) before any syscall', () => {
    const e = thrown(() => sys.close('3' as unknown as number));
    expect(e).toBeInstanceOf(TypeError);
    expect(e).not.toBeInstanceOf(sys.SyscallError);
    expect(e).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('a path containing NUL is refused rather than silently truncated', () => {
    const real = join(dir, 'real');
    fs.writeFileSync(real, '');
    expect(() => sys.openat(sys.AT_FDCWD, `${real}\0ignored`, sys.O_RDONLY)).toThrow(TypeError);
  });

  it('an out-of-range integer is a RangeError (ERR_OUT_OF_RANGE)', () => {
    expect(thrown(() => sys.close(2 ** 40))).toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    expect(thrown(() => sys.close(1.5))).toBeInstanceOf(RangeError);
  });
});
