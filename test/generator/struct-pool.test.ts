/**
 * New structs come from shared slabs: each must still start zeroed, own its
 * bytes (no two overlap), be 8-byte aligned like the C struct, and a struct
 * larger than the slab's share still works.
 */
import { describe, expect, it } from 'vitest';
import { Stat, Timespec, Utsname } from '../../generated/linux-x64/index.js';

describe('pooled struct bytes', () => {
  it('are zeroed, aligned and never shared between two live structs', () => {
    const made = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? new Stat() : i % 3 === 1 ? new Timespec() : new Utsname()));
    for (const s of made) {
      expect(s.bytes.every((b) => b === 0)).toBe(true);
      expect(s.bytes.byteOffset % 8).toBe(0);
      s.bytes.fill(0xff);
    }
    // Writing every struct's bytes touched no other struct's.
    const ranges = made.map((s) => [s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteOffset + s.bytes.byteLength] as const);
    const byBuffer = new Map<ArrayBufferLike, [number, number][]>();
    for (const [buf, a, b] of ranges) byBuffer.set(buf, [...(byBuffer.get(buf) ?? []), [a, b]]);
    for (const list of byBuffer.values()) {
      list.sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < list.length; i++) expect(list[i]![0]).toBeGreaterThanOrEqual(list[i - 1]![1]);
    }
    expect(new Stat().st_size).toBe(0n);
  });
});
