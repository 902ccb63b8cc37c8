/**
 * The batch prototype's TypeScript side, written the way the generator would
 * emit it (bench/BATCH.md): a builder whose methods mirror the generated
 * syscall wrappers but record steps instead of calling, so a whole sequence
 * crosses into C++ once. An integer argument may be an earlier step, whose
 * result is then passed (an fd from openat). Results and errors are per step.
 *
 *   const b = new Batch(native);
 *   const fd = b.openat(AT_FDCWD, path, O_RDONLY);
 *   const st = b.fstat(fd);
 *   const n = b.read(fd, buf);
 *   b.close(fd, { always: true });
 *   const r = b.run();            // or await b.runAsync(): one thread-pool hop
 *   r.value(st).st_size;          // throws that step's SyscallError if it failed
 *
 * A built batch can be run again (its buffers and strings are captured); each
 * run overwrites the previous results, so one batch runs one run at a time.
 */
import { syscallError } from '../generated/linux-x64/errno.js';
import { Stat } from '../generated/linux-x64/structs.js';
import type { SyscallError } from '../generated/runtime/errors.js';
import type { BatchNative } from './fixture.js';

/** Syscall numbers on linux-x64; generated from specs/linux/syscalls/<target>.json in a real binding. */
const NR = { read: 0, write: 1, close: 3, fstat: 5, pread64: 17, getpid: 39, openat: 257 } as const;

const STEP_BYTES = 64;

/**
 * Programs are carved from shared 8 KiB slabs (like Buffer's pool), so a batch
 * built for one run allocates no ArrayBuffer of its own; a live batch keeps its
 * slab alive. Programs outgrowing a quarter slab get their own buffer.
 */
const SLAB = 8192;
let slab = new ArrayBuffer(SLAB);
let slabUsed = 0;
function programView(bytes: number): DataView {
  if (bytes > SLAB / 4) return new DataView(new ArrayBuffer(bytes));
  if (slabUsed + bytes > SLAB) {
    slab = new ArrayBuffer(SLAB);
    slabUsed = 0;
  }
  const view = new DataView(slab, slabUsed, bytes);
  slabUsed += bytes;
  return view;
}
const enum Kind {
  Imm = 0,
  Buf = 1,
  Str = 2,
  Result = 3,
}
const ALWAYS = 1;

/** A recorded step; after a run, its result is read through the BatchResult. */
export class Step<T> {
  constructor(
    readonly index: number,
    readonly syscall: string,
    readonly decode: (r: number) => T,
    readonly path?: string,
  ) {}
}

/** An integer argument: a value, or an earlier step whose result is the value. */
export type IntArg = number | Step<number>;

const number = (r: number) => r;

export class BatchResult {
  constructor(
    private readonly program: DataView,
    /** Index of the first step that failed, or -1. */
    readonly firstFailed: number,
  ) {}

  get ok(): boolean {
    return this.firstFailed < 0;
  }

  /** The step's value; throws its SyscallError if it failed, an Error if it did not run. */
  value<T>(step: Step<T>): T {
    const r = this.program.getFloat64(step.index * STEP_BYTES + 56, true);
    if (r >= 0) return step.decode(r);
    throw this.error(step);
  }

  /** The step's error: a SyscallError, an Error if it did not run, or null if it succeeded. */
  error(step: Step<unknown>): SyscallError | Error | null {
    const r = this.program.getFloat64(step.index * STEP_BYTES + 56, true);
    if (r >= 0) return null;
    if (Number.isNaN(r)) return new Error(`batch step ${step.index} (${step.syscall}) did not run: an earlier step failed`);
    return syscallError(-r, step.syscall, step.path);
  }
}

export class Batch {
  /** Room for the steps recorded so far and more; run() passes the recorded part. */
  private storage = programView(STEP_BYTES * 4);
  private readonly steps: Step<unknown>[] = [];
  private readonly refs: unknown[] = [];
  private program: DataView | null = null;
  /** The kinds of the step being written, packed 4 bits per argument. */
  private kinds = 0;

  constructor(private readonly native: BatchNative) {}

  getpid(): Step<number> {
    return this.add(NR.getpid, 'getpid', 0, number);
  }

  openat(dfd: IntArg, filename: string, flags: number, mode = 0): Step<number> {
    const w = this.begin();
    this.int(w, 0, dfd);
    this.ref(w, 1, Kind.Str, filename);
    this.int(w, 2, flags);
    this.int(w, 3, mode);
    return this.add(NR.openat, 'openat', 0, number, filename);
  }

  fstat(fd: IntArg, statbuf = new Stat()): Step<Stat> {
    const w = this.begin();
    this.int(w, 0, fd);
    this.ref(w, 1, Kind.Buf, statbuf.bytes);
    return this.add(NR.fstat, 'fstat', 0, () => statbuf);
  }

  read(fd: IntArg, buf: Uint8Array, count = buf.byteLength): Step<number> {
    return this.io(NR.read, 'read', fd, buf, count);
  }

  write(fd: IntArg, buf: Uint8Array, count = buf.byteLength): Step<number> {
    return this.io(NR.write, 'write', fd, buf, count);
  }

  pread64(fd: IntArg, buf: Uint8Array, count: number, pos: number): Step<number> {
    this.int(this.begin(), 3, pos);
    return this.io(NR.pread64, 'pread64', fd, buf, count);
  }

  /** `always`: run even after an earlier step failed (cleanup), provided `fd` itself succeeded. */
  close(fd: IntArg, opts: { always?: boolean } = {}): Step<void> {
    this.int(this.begin(), 0, fd);
    return this.add(NR.close, 'close', opts.always ? ALWAYS : 0, () => undefined);
  }

  /** Runs every step in one call into C++. */
  run(): BatchResult {
    const program = (this.program ??= this.recorded());
    return new BatchResult(program, this.native.batch(program, ...this.refs));
  }

  /** Runs every step on the libuv thread pool: one hop for the whole batch. */
  async runAsync(): Promise<BatchResult> {
    const program = (this.program ??= this.recorded());
    return new BatchResult(program, await this.native.batch_async(program, ...this.refs));
  }

  private recorded(): DataView {
    const { buffer, byteOffset } = this.storage;
    return new DataView(buffer, byteOffset, this.steps.length * STEP_BYTES);
  }

  /** fd, buffer, count: read, write and (with its offset) pread64. */
  private io(nr: number, syscall: string, fd: IntArg, buf: Uint8Array, count: number): Step<number> {
    const w = this.begin();
    this.int(w, 0, fd);
    this.ref(w, 1, Kind.Buf, buf);
    this.int(w, 2, count);
    return this.add(nr, syscall, 0, number);
  }

  /** The byte offset where the next step starts (growing the storage if needed); its arguments are written before add(). */
  private begin(): number {
    const offset = this.steps.length * STEP_BYTES;
    if (offset + STEP_BYTES > this.storage.byteLength) this.grow();
    return offset;
  }

  private add<T>(nr: number, syscall: string, flags: number, decode: (r: number) => T, path?: string): Step<T> {
    const w = this.begin();
    this.storage.setInt32(w, nr, true);
    this.storage.setInt32(w + 4, flags | (this.kinds << 8), true);
    this.kinds = 0;
    const step = new Step(this.steps.length, syscall, decode, path);
    this.steps.push(step);
    this.program = null;
    return step;
  }

  private grow(): void {
    const old = this.storage;
    this.storage = programView(old.byteLength * 2);
    new Uint8Array(this.storage.buffer, this.storage.byteOffset, old.byteLength).set(new Uint8Array(old.buffer, old.byteOffset, old.byteLength));
  }

  /** Argument i of the step at byte offset w: its kind, and its 64-bit value as two int32 halves. */
  private arg(w: number, i: number, kind: Kind, value: number): void {
    this.kinds |= kind << (4 * i);
    this.storage.setInt32(w + 8 + 8 * i, value >>> 0, true);
    this.storage.setInt32(w + 12 + 8 * i, Math.floor(value / 4294967296), true);
  }

  private int(w: number, i: number, v: IntArg): void {
    if (v instanceof Step) {
      if (this.steps[v.index] !== v) {
        this.kinds = 0;
        throw new TypeError(`batch: step ${v.index} (${v.syscall}) belongs to another batch`);
      }
      this.arg(w, i, Kind.Result, v.index);
    } else if (Number.isSafeInteger(v)) {
      this.arg(w, i, Kind.Imm, v);
    } else {
      this.kinds = 0;
      throw new RangeError(`batch: ${v} is not a safe integer`);
    }
  }

  private ref(w: number, i: number, kind: Kind.Str | Kind.Buf, v: string | Uint8Array): void {
    let index = this.refs.indexOf(v);
    if (index < 0) index = this.refs.push(v) - 1;
    this.arg(w, i, kind, index);
  }
}
