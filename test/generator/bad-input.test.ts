/**
 * Bad input never crashes the process: every generated function is called with
 * wrong types, missing arguments, negative / fractional / NaN / huge numbers,
 * out-of-range bigints, lengths beyond the buffer and detached buffers, one
 * argument at a time, and must throw a TypeError or RangeError that names that
 * argument. Every other argument is valid, so the error must come from that
 * argument's check; and since one argument is always bad, no case reaches the kernel.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import * as api from '../../generated/linux-x64/index.js';
import { planCall } from '../../generator/emit/ts-calls.js';
import type { TsParam } from '../../generator/emit/ts-plan.js';
import { buildLinuxModel } from '../../generator/spec/linux-model.js';
import { loadLinuxSpecs } from '../../generator/spec/linux-specs.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';

const target = loadTargets(join(ROOT, 'specs')).get('linux-x64');
const model = buildLinuxModel(loadLinuxSpecs(join(ROOT, 'specs')), target);
const exported = api as unknown as Record<string, unknown>;

function detached(): Uint8Array {
  const b = new Uint8Array(64);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
}

let liveMapping: Uint8Array | undefined;

/** A valid value for a parameter of the given TS type (used for the arguments before the bad one). */
function validValue(type: string): unknown {
  const base = type.replace(/ \| null$/, '');
  if (base === 'number' || base === 'number | bigint') return 0;
  if (base === 'string') return '/nonexistent-sysbind-path';
  if (base === 'Bytes') return new Uint8Array(256);
  if (base === 'Bytes | bigint') return null; // an unsafe_ call's raw pointer: null is the one harmless value
  // A whole live mapping (mremap's addr): never consumed, since one argument is always bad.
  if (base === 'Uint8Array | ArrayBuffer') return (liveMapping ??= api.mmap(4096, api.PROT_READ | api.PROT_WRITE, api.MAP_PRIVATE | api.MAP_ANONYMOUS, -1, 0));
  // A ref parameter: integers in a typed array of the C type's width.
  if (/^(Big)?(Uint|Int)\d+Array$/.test(base)) return new (globalThis as unknown as Record<string, new (n: number) => unknown>)[base]!(4);
  const arr = /^StructArray<(\w+)>$/.exec(base);
  if (arr) return new api.StructArray(exported[arr[1]!] as never, 2);
  if (typeof exported[base] === 'function') return new (exported[base] as new () => unknown)();
  throw new Error(`no valid value for type ${type}`);
}

interface BadCase {
  label: string;
  value: unknown;
  error: typeof TypeError | typeof RangeError;
}

const wrongTypes: BadCase[] = [
  { label: 'a string', value: '1', error: TypeError },
  { label: 'an object', value: { x: 1 }, error: TypeError },
  { label: 'a symbol', value: Symbol('s'), error: TypeError },
  { label: 'a boolean', value: true, error: TypeError },
  { label: 'a function', value: () => 0, error: TypeError },
];

function badValues(p: TsParam): BadCase[] {
  const base = p.type.replace(/ \| null$/, '');
  const isString = base === 'string';
  const cases: BadCase[] = wrongTypes.filter((c) => !(isString && typeof c.value === 'string'));
  // null and undefined mean "left out" for a parameter with a default, and null is
  // a legitimate value where the type says `| null`.
  const takesNull = p.fallback !== undefined || p.type.endsWith('| null');
  if (p.fallback === undefined) cases.push({ label: 'undefined (missing)', value: undefined, error: TypeError });
  if (!takesNull) cases.push({ label: 'null', value: null, error: TypeError });
  if (base === 'number' || base === 'number | bigint') {
    cases.push(
      { label: 'a fraction', value: 1.5, error: RangeError },
      { label: 'NaN', value: NaN, error: RangeError },
      { label: 'Infinity', value: Infinity, error: RangeError },
      { label: '2^64', value: 2 ** 64, error: RangeError },
      { label: 'a bigint beyond 64 bits', value: 2n ** 70n, error: RangeError },
      { label: 'a hugely negative number', value: -(2 ** 70), error: RangeError },
    );
  } else if (isString) {
    cases.push({ label: 'a string with a NUL byte', value: '/tmp/a\0b', error: TypeError }, { label: 'a number', value: 7, error: TypeError });
  } else if (base === 'Bytes | bigint') {
    cases.push({ label: 'a number', value: 7, error: TypeError }, { label: 'a bigint beyond 64 bits', value: 2n ** 70n, error: RangeError });
  } else if (base === 'Bytes' || base === 'Uint8Array | ArrayBuffer') {
    cases.push({ label: 'a detached buffer', value: detached(), error: TypeError }, { label: 'a number', value: 7, error: TypeError });
  } else {
    // struct classes and struct arrays: a raw byte array is not accepted in their place
    cases.push({ label: 'a Uint8Array', value: new Uint8Array(512), error: TypeError });
  }
  return cases;
}

function expectArgError(fn: () => unknown, error: typeof TypeError | typeof RangeError, names: string[]): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected an error').toBeInstanceOf(error);
  const message = (thrown as Error).message;
  expect(names.some((n) => message.includes(`'${n}'`)), `"${message}" should name one of ${names.join(', ')}`).toBe(true);
}

describe('every generated function rejects bad input by argument name', () => {
  for (const s of model.syscalls) {
    const plan = planCall(s);
    const fn = exported[s.name] as (...a: unknown[]) => unknown;
    it(`${s.name}(${plan.params.map((p) => p.name).join(', ')})`, () => {
      expect(typeof fn).toBe('function');
      plan.params.forEach((p, i) => {
        for (const bad of badValues(p)) {
          const args = plan.params.map((q) => validValue(q.type));
          args[i] = bad.value;
          expectArgError(() => fn(...args), bad.error, [p.name]);
        }
      });
      // A length beyond its buffer, with every other argument valid.
      for (const [i, p] of plan.params.entries()) {
        const k = s.params.find((x) => x.name === p.name)?.kind;
        if (k?.kind !== 'length') continue;
        const args = plan.params.map((q) => validValue(q.type));
        const owner = plan.params.findIndex((q) => q.name === k.of);
        const ownerValue = args[owner] as { byteLength?: number; length?: number } | null;
        const capacity = ownerValue === null ? 0 : (ownerValue.length ?? ownerValue.byteLength ?? 0);
        args[i] = capacity + 1;
        expectArgError(() => fn(...args), RangeError, [p.name, k.of]);
      }
    });
  }
});

describe('64-bit bounds', () => {
  it('2^63 is out of range for a signed 64-bit argument, as a number and as a bigint', () => {
    // (double)INT64_MAX rounds up to 2^63: a naive check let it through and passed INT64_MIN.
    const buf = new Uint8Array(1);
    expect(() => api.pread64(0, buf, 1, 2 ** 63)).toThrow(RangeError);
    expect(() => api.pread64(0, buf, 1, 2n ** 63n)).toThrow(/'pos'/);
  });
});

describe('struct setters check values', () => {
  it('rejects out-of-range and wrongly typed field values by field name', () => {
    const st = new api.Stat();
    expect(() => (st.st_mode = -(2 ** 31) - 1)).toThrow(RangeError);
    expect(() => (st.st_mode = 2 ** 32)).toThrow(/st_mode/);
    expect(() => (st.st_mode = 1.5)).toThrow(RangeError);
    // JS bitwise operators give negative int32s for flags with the top bit set: same bits.
    st.st_mode = 0x80000000 | 1;
    expect(st.st_mode).toBe(0x80000001);
    expect(() => ((st as unknown as { st_size: unknown }).st_size = 'x')).toThrow(TypeError);
    expect(() => (st.st_size = 2n ** 63n)).toThrow(/st_size/);
    const u = new api.Utsname();
    expect(() => (u.sysname = 'x'.repeat(65))).toThrow(RangeError);
    expect(() => (u.sysname = 'a\0b')).toThrow(TypeError);
    expect(() => new api.Stat(new Uint8Array(10))).toThrow(RangeError);
  });
});
