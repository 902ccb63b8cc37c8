/**
 * What the benchmarked calls operate on, and the implementations under test:
 * the generated API (loaded from the bench's own build of the generated
 * binding), the hand-written addon, koffi's bindings of the libc functions,
 * open file descriptors and buffers.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import koffi from 'koffi';
import type { Built } from './build.js';

/** The hand-written addon (bench/addon/hand.cc). */
export interface Hand {
  getpid(): number;
  clock_gettime(clock: number, tp: Uint8Array): number;
  pread64(fd: number, buf: Uint8Array, count: number, pos: number): number;
  pread64_async(fd: number, buf: Uint8Array, count: number, pos: number): Promise<number>;
  write(fd: number, buf: Uint8Array, count: number): number;
  fstat(fd: number): { size: number; mode: number; mtimeSec: number; mtimeNsec: number };
  openat(dfd: number, path: string, flags: number, mode: number): number;
  close(fd: number): number;
}

/** The batch prototype's native half (bench/addon/batch.cc). */
export interface BatchNative {
  batch(program: DataView, ...refs: unknown[]): number;
  batch_async(program: DataView, ...refs: unknown[]): Promise<number>;
}

/** Callgrind client requests (bench/addon/callgrind.cc), for bench/instructions.ts. */
export interface Callgrind {
  available: boolean;
  zero(): void;
  dump(label: string): void;
}

type Fn = ReturnType<ReturnType<typeof koffi.load>['func']>;

export interface Fixture {
  sys: typeof import('../generated/index.js');
  hand: Hand;
  batchNative: BatchNative;
  callgrind: Callgrind;
  /** The generated binding's native object, built with the proposed C++ changes (bench/proto/). */
  proto: typeof import('../generated/linux-x64/native.js').native;
  koffi: { getpid: Fn; clock_gettime: Fn; pread: Fn; write: Fn; fstat: Fn; openat: Fn; close: Fn; errno: () => number };
  dataFile: string;
  missingFile: string;
  dataFd: number;
  nullFd: number;
  fileHandle: fs.promises.FileHandle;
  small: Uint8Array;
  large: Uint8Array;
  close(): Promise<void>;
}

export async function createFixture(built: Built): Promise<Fixture> {
  // native-loader.ts takes the addon from here first: the bench measures the
  // generated binding.cc as it is now, not whatever build/Release holds.
  process.env.SYSBIND_ADDON = built.sysbindAddon;
  const sys = await import('../generated/index.js');
  const require = createRequire(import.meta.url);
  const benchAddon = require(built.benchAddon) as BatchNative & { hand: Hand; callgrind: Callgrind };
  const libc = koffi.load('libc.so.6');
  const dataFd = fs.openSync(built.dataFile, fs.constants.O_RDONLY);
  const nullFd = fs.openSync('/dev/null', fs.constants.O_WRONLY);
  const fileHandle = await fs.promises.open(built.dataFile, 'r');
  return {
    sys,
    hand: benchAddon.hand,
    batchNative: benchAddon,
    callgrind: benchAddon.callgrind,
    proto: require(built.protoAddon),
    koffi: {
      getpid: libc.func('int getpid()'),
      clock_gettime: libc.func('int clock_gettime(int clock, void *tp)'),
      pread: libc.func('long pread(int fd, void *buf, size_t count, long pos)'),
      write: libc.func('long write(int fd, const void *buf, size_t count)'),
      fstat: libc.func('int fstat(int fd, void *statbuf)'),
      openat: libc.func('int openat(int dfd, const char *path, int flags, ...)'),
      close: libc.func('int close(int fd)'),
      errno: () => koffi.errno(),
    },
    dataFile: built.dataFile,
    missingFile: '/nonexistent/sysbind-bench',
    dataFd,
    nullFd,
    fileHandle,
    small: new Uint8Array(64),
    large: new Uint8Array(65536),
    async close() {
      fs.closeSync(dataFd);
      fs.closeSync(nullFd);
      await fileHandle.close();
    },
  };
}
