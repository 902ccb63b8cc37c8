/**
 * The part of vitest's API the suite uses — describe, it/test (with .skip,
 * .skipIf, .runIf), the four hooks and expect — for running the compiled
 * suite on a Node that cannot run vitest (a foreign-arch Node under qemu-user
 * or wine: vitest needs native esbuild/rollup). describe and it only record a
 * tree; run.ts executes it. expect is vitest's own (@vitest/expect on chai),
 * so matchers and messages are those of a vitest run.
 */
import * as chai from 'chai';
import { JestAsymmetricMatchers, JestChaiExpect, JestExtend } from '@vitest/expect';

export type Fn = () => unknown;

export interface Case {
  kind: 'case';
  name: string;
  fn: Fn;
  skip: boolean;
  timeout?: number;
}

export interface Suite {
  kind: 'suite';
  name: string;
  skip: boolean;
  children: (Suite | Case)[];
  beforeAll: Fn[];
  afterAll: Fn[];
  beforeEach: Fn[];
  afterEach: Fn[];
}

export function newSuite(name: string, skip = false): Suite {
  return { kind: 'suite', name, skip, children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
}

let current: Suite = newSuite('');

/** Makes later describe/it/hook calls (a test file's top level) record into `suite`. */
export function collectInto(suite: Suite): void {
  current = suite;
}

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);
export const expect = chai.expect;

type Timeout = number | { timeout?: number } | undefined;

function addSuite(name: string, fn: Fn, skip: boolean): void {
  const suite = newSuite(name, skip || current.skip);
  current.children.push(suite);
  const parent = current;
  current = suite;
  try {
    if (fn() instanceof Promise) throw new Error(`describe('${name}'): an async describe body is not supported by the cross harness`);
  } finally {
    current = parent;
  }
}

function addCase(name: string, fn: Fn, timeout: Timeout, skip: boolean): void {
  current.children.push({ kind: 'case', name, fn, skip: skip || current.skip, timeout: typeof timeout === 'object' ? timeout.timeout : timeout });
}

type DescribeFn = (name: string, fn: Fn) => void;
type ItFn = (name: string, fn: Fn, timeout?: Timeout) => void;

export const describe = Object.assign((name: string, fn: Fn) => addSuite(name, fn, false), {
  skip: ((name, fn) => addSuite(name, fn, true)) as DescribeFn,
  skipIf: (cond: unknown): DescribeFn => (name, fn) => addSuite(name, fn, !!cond),
  runIf: (cond: unknown): DescribeFn => (name, fn) => addSuite(name, fn, !cond),
});

export const it = Object.assign((name: string, fn: Fn, timeout?: Timeout) => addCase(name, fn, timeout, false), {
  skip: ((name, fn, timeout) => addCase(name, fn, timeout, true)) as ItFn,
  skipIf: (cond: unknown): ItFn => (name, fn, timeout) => addCase(name, fn, timeout, !!cond),
  runIf: (cond: unknown): ItFn => (name, fn, timeout) => addCase(name, fn, timeout, !cond),
});
export const test = it;

export const beforeAll = (fn: Fn) => void current.beforeAll.push(fn);
export const afterAll = (fn: Fn) => void current.afterAll.push(fn);
export const beforeEach = (fn: Fn) => void current.beforeEach.push(fn);
export const afterEach = (fn: Fn) => void current.afterEach.push(fn);
