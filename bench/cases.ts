/**
 * The single-call operations and, for each, every implementation measured:
 * the generated API (sync, and async for the blocking read), the hand-written
 * addon, koffi calling the libc function, Node's own equivalent, and the
 * proposed changes (bench/proposed.ts). Every subject's loop is its own
 * function literal, so each call site has its own type feedback and the JIT
 * can inline the call under test; results go to `sink` so none is dropped.
 */
import * as fs from 'node:fs';
import { sink, type Subject } from './harness.js';
import type { Fixture } from './fixture.js';
import { proposedApi } from './proposed.js';

export interface Operation {
  id: string;
  title: string;
  /** Its subjects return promises (not measured in instruction counts). */
  async?: boolean;
  /** The ratios use the first subject of each impl: 'sysbind', 'hand', 'koffi', 'node', 'proposed'. */
  subjects: Subject[];
}

/** Runs `start` n times in sequence, each starting when the previous one's callback fires. */
function chain(n: number, start: (done: (err: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let left = n;
    const done = (err: unknown) => {
      if (err) reject(err);
      else if (--left === 0) resolve();
      else start(done);
    };
    start(done);
  });
}

export function operations(f: Fixture): Operation[] {
  const { sys, hand, koffi: k } = f;
  const proposed = proposedApi(f.proto, sys);
  const { AT_FDCWD, CLOCK_MONOTONIC, O_RDONLY, O_CLOEXEC } = sys;
  const ts = new sys.Timespec();
  const tsBytes = ts.bytes;
  const statBytes = new Uint8Array(144);
  const statView = new DataView(statBytes.buffer);
  const { dataFd, nullFd, dataFile, missingFile, small, large } = f;
  const s = (op: string, impl: string, label: string, run: Subject['run'], extra: Partial<Subject> = {}): Subject => ({ op, impl, label, run, ...extra });
  const vdso = { floor: 'clock_gettime_vdso' };
  const asyncFloor = { floor: 'pread64_64' };

  return [
    {
      id: 'getpid',
      title: 'getpid',
      subjects: [
        s('getpid', 'sysbind', 'sys.getpid()', (n) => {
          for (let i = 0; i < n; i++) sink.value = sys.getpid();
        }),
        s('getpid', 'hand', 'hand.getpid()', (n) => {
          for (let i = 0; i < n; i++) sink.value = hand.getpid();
        }),
        s('getpid', 'koffi', 'libc getpid() via koffi', (n) => {
          for (let i = 0; i < n; i++) sink.value = k.getpid();
        }),
        s('getpid', 'node', 'process.pid (cached by Node: no syscall)', (n) => {
          for (let i = 0; i < n; i++) sink.value = process.pid;
        }, { floor: null }),
        s('getpid', 'proposed', 'proposed: fast-properties native object', (n) => {
          for (let i = 0; i < n; i++) sink.value = proposed.getpid();
        }),
      ],
    },
    {
      id: 'clock_gettime',
      title: 'clock_gettime',
      subjects: [
        s('clock_gettime', 'sysbind', 'sys.clock_gettime(CLOCK_MONOTONIC, ts)', (n) => {
          for (let i = 0; i < n; i++) sink.value = sys.clock_gettime(CLOCK_MONOTONIC, ts);
        }),
        s('clock_gettime', 'hand', 'hand.clock_gettime(CLOCK_MONOTONIC, bytes)', (n) => {
          for (let i = 0; i < n; i++) sink.value = hand.clock_gettime(CLOCK_MONOTONIC, tsBytes);
        }),
        s('clock_gettime', 'koffi', 'libc clock_gettime() via koffi (vDSO)', (n) => {
          for (let i = 0; i < n; i++) sink.value = k.clock_gettime(CLOCK_MONOTONIC, tsBytes);
        }, vdso),
        s('clock_gettime', 'node', 'process.hrtime.bigint() (vDSO)', (n) => {
          for (let i = 0; i < n; i++) sink.value = process.hrtime.bigint();
        }, vdso),
        s('clock_gettime', 'proposed', 'proposed: libc clock_gettime (vDSO), class-identity struct check, fast native object', (n) => {
          for (let i = 0; i < n; i++) sink.value = proposed.clock_gettime(CLOCK_MONOTONIC, ts);
        }, vdso),
      ],
    },
    preadOperation('pread64_64', 'pread64 64 B', small),
    preadOperation('pread64_64k', 'pread64 64 KiB', large),
    {
      id: 'write_1',
      title: 'write 1 B to /dev/null',
      subjects: [
        s('write_1', 'sysbind', 'sys.write(fd, buf, 1)', (n) => {
          for (let i = 0; i < n; i++) sink.value = sys.write(nullFd, small, 1);
        }),
        s('write_1', 'hand', 'hand.write(fd, buf, 1)', (n) => {
          for (let i = 0; i < n; i++) sink.value = hand.write(nullFd, small, 1);
        }),
        s('write_1', 'koffi', 'libc write() via koffi', (n) => {
          for (let i = 0; i < n; i++) sink.value = k.write(nullFd, small, 1);
        }),
        s('write_1', 'node', 'fs.writeSync(fd, buf, 0, 1)', (n) => {
          for (let i = 0; i < n; i++) sink.value = fs.writeSync(nullFd, small, 0, 1);
        }),
        s('write_1', 'proposed', 'proposed: one Node-API call per argument, fast native object', (n) => {
          for (let i = 0; i < n; i++) sink.value = proposed.write(nullFd, small, 1);
        }),
      ],
    },
    {
      id: 'fstat',
      title: 'fstat → { size, mode, mtime }',
      subjects: [
        s('fstat', 'sysbind', 'sys.fstat(fd), read st_size, st_mode, st_mtime, st_mtime_nsec', (n) => {
          for (let i = 0; i < n; i++) {
            const st = sys.fstat(dataFd);
            sink.value = { size: st.st_size, mode: st.st_mode, mtime: st.st_mtime, mtimeNsec: st.st_mtime_nsec };
          }
        }),
        s('fstat', 'hand', 'hand.fstat(fd) returning the object', (n) => {
          for (let i = 0; i < n; i++) sink.value = hand.fstat(dataFd);
        }),
        s('fstat', 'koffi', 'libc fstat() via koffi into one buffer, fields read with a DataView', (n) => {
          for (let i = 0; i < n; i++) {
            if (k.fstat(dataFd, statBytes) < 0) throw new Error(`fstat: errno ${k.errno()}`);
            sink.value = { size: statView.getBigInt64(48, true), mode: statView.getUint32(24, true), mtime: statView.getBigInt64(88, true), mtimeNsec: statView.getBigInt64(96, true) };
          }
        }),
        s('fstat', 'node', 'fs.fstatSync(fd), read size, mode, mtimeMs', (n) => {
          for (let i = 0; i < n; i++) {
            const st = fs.fstatSync(dataFd);
            sink.value = { size: st.size, mode: st.mode, mtimeMs: st.mtimeMs };
          }
        }),
        s('fstat', 'proposed', 'proposed: pooled Stat bytes, class-identity check, fast arguments and native object', (n) => {
          for (let i = 0; i < n; i++) {
            const st = proposed.fstat(dataFd);
            sink.value = { size: st.st_size, mode: st.st_mode, mtime: st.st_mtime, mtimeNsec: st.st_mtime_nsec };
          }
        }),
      ],
    },
    {
      id: 'openat_close',
      title: 'openat + close (success path)',
      subjects: [
        s('openat_close', 'sysbind', 'sys.close(sys.openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC))', (n) => {
          for (let i = 0; i < n; i++) sink.value = sys.close(sys.openat(AT_FDCWD, dataFile, O_RDONLY | O_CLOEXEC));
        }),
        s('openat_close', 'hand', 'hand.close(hand.openat(...))', (n) => {
          for (let i = 0; i < n; i++) sink.value = hand.close(hand.openat(AT_FDCWD, dataFile, O_RDONLY | O_CLOEXEC, 0));
        }),
        s('openat_close', 'koffi', 'libc openat() + close() via koffi', (n) => {
          for (let i = 0; i < n; i++) {
            const fd = k.openat(AT_FDCWD, dataFile, O_RDONLY | O_CLOEXEC, 'int', 0) as number;
            if (fd < 0) throw new Error(`openat: errno ${k.errno()}`);
            sink.value = k.close(fd);
          }
        }),
        s('openat_close', 'node', 'fs.closeSync(fs.openSync(path, O_RDONLY))', (n) => {
          for (let i = 0; i < n; i++) sink.value = fs.closeSync(fs.openSync(dataFile, fs.constants.O_RDONLY));
        }),
        s('openat_close', 'proposed', 'proposed: one Node-API call per argument, fast native object', (n) => {
          for (let i = 0; i < n; i++) sink.value = proposed.close(proposed.openat(AT_FDCWD, dataFile, O_RDONLY | O_CLOEXEC));
        }),
      ],
    },
    {
      id: 'openat_enoent',
      title: 'openat ENOENT → exception caught',
      subjects: [
        s('openat_enoent', 'sysbind', 'sys.openat(missing) throws SyscallError', (n) => {
          for (let i = 0; i < n; i++) {
            try {
              sys.openat(AT_FDCWD, missingFile, O_RDONLY);
            } catch (e) {
              sink.value = e;
            }
          }
        }),
        s('openat_enoent', 'hand', 'hand.openat(missing) throws Error from C++', (n) => {
          for (let i = 0; i < n; i++) {
            try {
              hand.openat(AT_FDCWD, missingFile, O_RDONLY, 0);
            } catch (e) {
              sink.value = e;
            }
          }
        }),
        s('openat_enoent', 'koffi', 'libc openat() via koffi, koffi.errno(), throw', (n) => {
          for (let i = 0; i < n; i++) {
            try {
              if ((k.openat(AT_FDCWD, missingFile, O_RDONLY, 'int', 0) as number) < 0) throw new Error(`openat: errno ${k.errno()}`);
            } catch (e) {
              sink.value = e;
            }
          }
        }),
        s('openat_enoent', 'node', 'fs.openSync(missing) throws', (n) => {
          for (let i = 0; i < n; i++) {
            try {
              fs.openSync(missingFile, fs.constants.O_RDONLY);
            } catch (e) {
              sink.value = e;
            }
          }
        }),
        s('openat_enoent', 'proposed', 'proposed: one Node-API call per argument, fast native object', (n) => {
          for (let i = 0; i < n; i++) {
            try {
              proposed.openat(AT_FDCWD, missingFile, O_RDONLY);
            } catch (e) {
              sink.value = e;
            }
          }
        }),
        s('openat_enoent', 'nothrow', 'proposed extra form: returns -ENOENT, no exception', (n) => {
          for (let i = 0; i < n; i++) sink.value = proposed.openat_result(AT_FDCWD, missingFile, O_RDONLY);
        }),
      ],
    },
    {
      id: 'pread64_async',
      title: 'async pread64 64 B',
      async: true,
      subjects: [
        s('pread64_async', 'sysbind', 'await sys.async.pread64(fd, buf, 64, 0)', async (n) => {
          for (let i = 0; i < n; i++) sink.value = await sys.async.pread64(dataFd, small, 64, 0);
        }, asyncFloor),
        s('pread64_async', 'hand', 'await hand.pread64_async(...) (AsyncWorker)', async (n) => {
          for (let i = 0; i < n; i++) sink.value = await hand.pread64_async(dataFd, small, 64, 0);
        }, asyncFloor),
        s('pread64_async', 'koffi', 'libc pread.async(..., callback) via koffi', (n) => chain(n, (done) => k.pread.async(dataFd, small, 64, 0, done)), asyncFloor),
        s('pread64_async', 'node', 'fs.read(fd, buf, 0, 64, 0, callback)', (n) => chain(n, (done) => fs.read(dataFd, small, 0, 64, 0, done)), asyncFloor),
        s('pread64_async', 'node-promises', 'await fileHandle.read(buf, 0, 64, 0) (fs.promises)', async (n) => {
          for (let i = 0; i < n; i++) sink.value = await f.fileHandle.read(small, 0, 64, 0);
        }, asyncFloor),
      ],
    },
  ];

  function preadOperation(id: string, title: string, buf: Uint8Array): Operation {
    const size = buf.byteLength;
    return {
      id,
      title,
      subjects: [
        s(id, 'sysbind', `sys.pread64(fd, buf, ${size}, 0)`, (n) => {
          for (let i = 0; i < n; i++) sink.value = sys.pread64(dataFd, buf, size, 0);
        }),
        s(id, 'hand', `hand.pread64(fd, buf, ${size}, 0)`, (n) => {
          for (let i = 0; i < n; i++) sink.value = hand.pread64(dataFd, buf, size, 0);
        }),
        s(id, 'koffi', 'libc pread() via koffi', (n) => {
          for (let i = 0; i < n; i++) sink.value = k.pread(dataFd, buf, size, 0);
        }),
        s(id, 'node', `fs.readSync(fd, buf, 0, ${size}, 0)`, (n) => {
          for (let i = 0; i < n; i++) sink.value = fs.readSync(dataFd, buf, 0, size, 0);
        }),
        s(id, 'proposed', 'proposed: one Node-API call per argument, fast native object', (n) => {
          for (let i = 0; i < n; i++) sink.value = proposed.pread64(dataFd, buf, size, 0);
        }),
      ],
    };
  }
}
