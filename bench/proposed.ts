/**
 * The 'proposed' rows: the generated TypeScript wrappers for the benchmarked
 * calls over the prototype addon (the generated binding.cc with the C++
 * changes of bench/proto/ applied), with the TypeScript-side changes proposed
 * for the emitter and the runtime, each marked "Proposed". Everything else is
 * as in generated/linux-x64/syscalls.ts.
 */
import { syscallError } from '../generated/linux-x64/errno.js';
import { structBytes, type Bytes } from '../generated/runtime/args.js';
import type { native as Native } from '../generated/linux-x64/native.js';

type Sys = typeof import('../generated/index.js');

/**
 * Proposed for templates/runtime/struct.ts: a struct's default bytes carved
 * from a shared zeroed 8 KiB slab (as Buffer.allocUnsafe pools small buffers),
 * so `new Stat()` allocates no ArrayBuffer and backing store of its own. A live
 * struct keeps its slab alive, the trade-off Buffer's pool makes too.
 */
const SLAB = 8192;
let slab = new ArrayBuffer(SLAB);
let slabUsed = 0;
function pooledBytes(size: number, alignment: number): Uint8Array {
  slabUsed = Math.ceil(slabUsed / alignment) * alignment;
  if (slabUsed + size > SLAB) {
    slab = new ArrayBuffer(SLAB);
    slabUsed = 0;
  }
  const bytes = new Uint8Array(slab, slabUsed, size);
  slabUsed += size;
  return bytes;
}

export function proposedApi(addon: typeof Native, sys: Sys) {
  // Proposed for templates/runtime/native-loader.ts: return a spread copy of the addon's exports.
  // napi_define_properties leaves an object with ~400 functions in dictionary mode, so every
  // `native.fn` in a wrapper is a hash lookup; the copy has fast properties.
  const native = { ...addon };
  const { Stat, Timespec } = sys;
  type TimespecT = InstanceType<typeof Timespec>;
  type StatT = InstanceType<typeof Stat>;
  return {
    getpid(): number {
      const r = native.getpid();
      if (r < 0) throw syscallError(-r, 'getpid');
      return r;
    },
    clock_gettime(which_clock: number, tp?: TimespecT): TimespecT {
      tp ??= new Timespec(pooledBytes(Timespec.size, Timespec.alignment));
      // Proposed for the emitter: an inline class-identity test before the shared structBytes(),
      // whose `instanceof type` costs a generic InstanceOf (~250 instructions) on every call.
      const bytes = tp.constructor === Timespec ? tp.bytes : structBytes(tp, Timespec, 'clock_gettime', 'tp', false);
      const r = native.clock_gettime(which_clock, bytes);
      if (r < 0) throw syscallError(-r, 'clock_gettime');
      return tp;
    },
    pread64(fd: number, buf: Bytes, count: number | bigint | undefined, pos: number | bigint): number {
      count ??= buf?.byteLength;
      const r = native.pread64(fd, buf, count, pos);
      if (r < 0) throw syscallError(-r, 'pread64');
      return r;
    },
    write(fd: number, buf: Bytes, count?: number | bigint): number {
      count ??= buf?.byteLength;
      const r = native.write(fd, buf, count);
      if (r < 0) throw syscallError(-r, 'write');
      return r;
    },
    fstat(fd: number, statbuf?: StatT): StatT {
      statbuf ??= new Stat(pooledBytes(Stat.size, Stat.alignment));
      const bytes = statbuf.constructor === Stat ? statbuf.bytes : structBytes(statbuf, Stat, 'fstat', 'statbuf', false);
      const r = native.fstat(fd, bytes);
      if (r < 0) throw syscallError(-r, 'fstat');
      return statbuf;
    },
    openat(dfd: number, filename: string, flags: number, mode?: number): number {
      mode ??= 0;
      const r = native.openat(dfd, filename, flags, mode);
      if (r < 0) throw syscallError(-r, 'openat', filename);
      return r;
    },
    /**
     * Proposed as an extra generated form for hot error paths (probing for files): the raw
     * result, -errno on failure, so no exception and no stack trace to capture.
     */
    openat_result(dfd: number, filename: string, flags: number, mode?: number): number {
      mode ??= 0;
      return native.openat(dfd, filename, flags, mode);
    },
    close(fd: number): void {
      const r = native.close(fd);
      if (r < 0) throw syscallError(-r, 'close');
    },
  };
}
