/**
 * Junk arguments for the safe-call fuzz: a seeded generator (the same seed
 * gives the same calls, so a crash is reproducible from its printed seed) over
 * values a careless or hostile caller could pass — wrong types, huge and
 * negative numbers, NaN, bigints past 64 bits, strings with NUL, detached and
 * shared buffers, zero-length views, struct instances of the wrong kind.
 */

/** mulberry32: small, fast and good enough to pick among junk values. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value and how to print it (the progress file names every call's arguments). */
export interface Junk {
  value: unknown;
  label: string;
}

function detachedView(): Uint8Array {
  const b = new Uint8Array(64);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

/**
 * The pool, rebuilt per call so no junk call sees a buffer an earlier one
 * changed or detached. `extra` adds values the caller owns (its own fds, struct
 * instances of the package under test).
 */
export function junkPool(extra: Junk[]): Junk[] {
  return [
    // numbers
    { value: 0, label: '0' },
    { value: 1, label: '1' },
    { value: -1, label: '-1' },
    { value: 2, label: '2' },
    { value: 2 ** 31 - 1, label: '2**31-1' },
    { value: -(2 ** 31), label: '-(2**31)' },
    { value: 2 ** 32, label: '2**32' },
    { value: 2 ** 32 + 5, label: '2**32+5' },
    { value: 2 ** 53, label: '2**53' },
    { value: -(2 ** 53), label: '-(2**53)' },
    { value: 1.5, label: '1.5' },
    { value: -0, label: '-0' },
    { value: NaN, label: 'NaN' },
    { value: Infinity, label: 'Infinity' },
    { value: -Infinity, label: '-Infinity' },
    { value: Number.MAX_VALUE, label: 'Number.MAX_VALUE' },
    { value: 0x7fff_0000, label: '0x7fff0000' },
    // bigints
    { value: 0n, label: '0n' },
    { value: -1n, label: '-1n' },
    { value: 2n ** 63n - 1n, label: '2n**63n-1n' },
    { value: 2n ** 63n, label: '2n**63n' },
    { value: 2n ** 64n - 1n, label: '2n**64n-1n' },
    { value: 2n ** 64n, label: '2n**64n' },
    { value: -(2n ** 63n), label: '-(2n**63n)' },
    { value: -(2n ** 63n) - 1n, label: '-(2n**63n)-1n' },
    { value: 2n ** 200n, label: '2n**200n' },
    // strings
    { value: '', label: "''" },
    { value: 'a\0b', label: "'a\\0b'" },
    { value: '/tmp\0/etc/passwd', label: "'/tmp\\0/etc/passwd'" },
    { value: '/nonexistent-sysbind-fuzz', label: "'/nonexistent-sysbind-fuzz'" },
    { value: 'x'.repeat(70_000), label: "'x'.repeat(70000)" },
    { value: '\uD800', label: "'\\uD800' (lone surrogate)" },
    { value: '7', label: "'7'" },
    // buffers and views
    { value: new Uint8Array(0), label: 'new Uint8Array(0)' },
    { value: new Uint8Array(1), label: 'new Uint8Array(1)' },
    { value: new Uint8Array(4096), label: 'new Uint8Array(4096)' },
    { value: new Uint8Array(new ArrayBuffer(64), 64), label: 'zero-length view at the end of 64 bytes' },
    { value: new Uint8Array(new ArrayBuffer(128), 3, 17), label: 'unaligned 17-byte view' },
    { value: detachedView(), label: 'detached Uint8Array' },
    { value: new Uint8Array(new SharedArrayBuffer(256)), label: 'Uint8Array over a SharedArrayBuffer' },
    { value: new SharedArrayBuffer(64), label: 'SharedArrayBuffer' },
    { value: new ArrayBuffer(32), label: 'ArrayBuffer(32)' },
    { value: new ArrayBuffer(0), label: 'ArrayBuffer(0)' },
    { value: new Float64Array(4), label: 'Float64Array(4)' },
    { value: new DataView(new ArrayBuffer(16)), label: 'DataView(16)' },
    { value: Buffer.from('hello\0world'), label: "Buffer 'hello\\0world'" },
    // other kinds
    { value: null, label: 'null' },
    { value: undefined, label: 'undefined' },
    { value: true, label: 'true' },
    { value: {}, label: '{}' },
    { value: [1, 2, 3], label: '[1,2,3]' },
    { value: { length: 2 ** 40, byteLength: 2 ** 40 }, label: '{ length: 2**40, byteLength: 2**40 }' },
    { value: Symbol('junk'), label: 'Symbol()' },
    { value: () => 0, label: '() => 0' },
    { value: new Date(0), label: 'new Date(0)' },
    ...extra,
  ];
}

/** `count` junk arguments drawn from the pool. */
export function pickArgs(next: () => number, pool: Junk[], count: number): Junk[] {
  return Array.from({ length: count }, () => pool[Math.floor(next() * pool.length)]!);
}

/** Call ids: function index × CALL_ID_STRIDE + call number, stable across restarts. */
export const CALL_ID_STRIDE = 1000;
