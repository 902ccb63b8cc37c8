/**
 * getrandom: the buffer is filled (exactly `count` bytes of it), different on
 * every call, and looks uniformly random.
 */
import { describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';

const isZero = (b: Uint8Array) => b.every((x) => x === 0);

describe('getrandom', () => {
  it('fills the whole buffer: not all zeros, and two calls differ', () => {
    const a = new Uint8Array(64);
    const b = new Uint8Array(64);
    expect(sys.getrandom(a)).toBe(64);
    expect(sys.getrandom(b)).toBe(64);
    expect(isZero(a)).toBe(false);
    expect(isZero(b)).toBe(false);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    // No 8-byte stretch of zeros in 64 random bytes (chance ~2^-59).
    for (let i = 0; i + 8 <= 64; i += 8) expect(isZero(a.subarray(i, i + 8))).toBe(false);
  });

  it('writes only `count` bytes', () => {
    const buf = new Uint8Array(64);
    expect(sys.getrandom(buf, 16)).toBe(16);
    expect(isZero(buf.subarray(0, 16))).toBe(false);
    expect(isZero(buf.subarray(16))).toBe(true);
  });

  it('a large buffer has every byte value, each near its expected frequency', () => {
    const buf = new Uint8Array(1 << 16);
    let got = 0;
    while (got < buf.length) got += sys.getrandom(buf.subarray(got), undefined, sys.GRND_NONBLOCK);
    const counts = new Array<number>(256).fill(0);
    for (const x of buf) counts[x]!++;
    // expected 256 per value, sd 16: 128..384 is 8 sd either way.
    expect(Math.min(...counts)).toBeGreaterThan(128);
    expect(Math.max(...counts)).toBeLessThan(384);
  });

  it('fills a typed array of any element type, and rejects unknown flags with EINVAL', () => {
    const words = new Uint32Array(8);
    expect(sys.getrandom(words)).toBe(32);
    expect(words.some((w) => w !== 0)).toBe(true);
    expect(() => sys.getrandom(new Uint8Array(4), undefined, 0x4000)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'getrandom' }));
  });

  it('async.getrandom fills the buffer off the main thread', async () => {
    const a = new Uint8Array(32);
    const b = new Uint8Array(32);
    const [ra, rb] = await Promise.all([sys.async.getrandom(a), sys.async.getrandom(b, 32)]);
    expect([ra, rb]).toEqual([32, 32]);
    expect(isZero(a) || isZero(b)).toBe(false);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });
});
