/**
 * The batch operations: the same syscalls as separate generated calls and as
 * one batch (bench/batch.ts), built per iteration ("one-shot") or built once
 * and re-run ("prepared"), sync and on the thread pool. Subjects report ns per
 * iteration; `calls` says how many syscalls that is, for per-syscall costs.
 */
import { Batch } from './batch.js';
import type { Fixture } from './fixture.js';
import type { Operation } from './cases.js';
import { sink, type Subject } from './harness.js';

export function batchOperations(f: Fixture): Operation[] {
  const { sys } = f;
  const flags = sys.O_RDONLY | sys.O_CLOEXEC;
  const st = new sys.Stat();
  const buf = f.small;

  /** open, fstat, read 64 bytes, close as a batch (close runs even if fstat or read fail); the read's
   * value stands for all: it throws if any step before it failed. */
  const sequence = () => {
    const b = new Batch(f.batchNative);
    const fd = b.openat(sys.AT_FDCWD, f.dataFile, flags);
    b.fstat(fd, st);
    const n = b.read(fd, buf);
    b.close(fd, { always: true });
    return { b, n };
  };
  const prepared = sequence();
  const getpids = new Batch(f.batchNative);
  const pidSteps = Array.from({ length: 16 }, () => getpids.getpid());

  const seq = (impl: string, label: string, run: Subject['run']): Subject => ({ op: 'sequence', impl, label, run, calls: 4 });
  const seqAsync = (impl: string, label: string, run: Subject['run']): Subject => ({ op: 'sequence_async', impl, label, run, calls: 4, floor: 'sequence' });
  const pid = (impl: string, label: string, run: Subject['run']): Subject => ({ op: 'getpid_x16', impl, label, run, calls: 16, floor: 'getpid', floorTimes: 16 });

  return [
    {
      id: 'sequence',
      title: 'openat + fstat + read 64 B + close',
      subjects: [
        seq('sysbind', '4 separate sys.* calls', (n) => {
          for (let i = 0; i < n; i++) {
            const fd = sys.openat(sys.AT_FDCWD, f.dataFile, flags);
            sys.fstat(fd, st);
            sink.value = sys.read(fd, buf);
            sys.close(fd);
          }
        }),
        seq('batch', 'batch built and run each time', (n) => {
          for (let i = 0; i < n; i++) {
            const { b, n: read } = sequence();
            sink.value = b.run().value(read);
          }
        }),
        seq('batch-prepared', 'batch built once, run each time', (n) => {
          for (let i = 0; i < n; i++) {
            sink.value = prepared.b.run().value(prepared.n);
          }
        }),
      ],
    },
    {
      id: 'sequence_async',
      title: 'the same sequence, async',
      async: true,
      subjects: [
        seqAsync('sysbind', 'await openat, fstat (sync), await read, close (sync)', async (n) => {
          for (let i = 0; i < n; i++) {
            const fd = await sys.async.openat(sys.AT_FDCWD, f.dataFile, flags);
            sys.fstat(fd, st);
            sink.value = await sys.async.read(fd, buf);
            sys.close(fd);
          }
        }),
        seqAsync('batch-prepared', 'await batch.runAsync(): one pool hop', async (n) => {
          for (let i = 0; i < n; i++) {
            sink.value = (await prepared.b.runAsync()).value(prepared.n);
          }
        }),
      ],
    },
    {
      id: 'getpid_x16',
      title: '16 × getpid',
      subjects: [
        pid('sysbind', '16 separate sys.getpid() calls', (n) => {
          for (let i = 0; i < n; i++) for (let k = 0; k < 16; k++) sink.value = sys.getpid();
        }),
        pid('batch-prepared', 'one prepared batch of 16 getpid steps', (n) => {
          for (let i = 0; i < n; i++) {
            sink.value = getpids.run().value(pidSteps[15]!);
          }
        }),
      ],
    },
  ];
}
