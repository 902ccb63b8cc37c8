/**
 * The plan of one TypeScript wrapper, as both platforms' planners make it
 * (ts-calls.ts for syscalls, win32/ts-functions.ts for Win32 functions) and
 * ts-api.ts / win32/ts-api.ts write it: the public parameters with their
 * defaults, the marshalling before the native call, the native signature,
 * and what happens to the raw result.
 */
import type { IntInfo } from '../model/syscall.js';

export interface TsParam {
  name: string;
  type: string;
  /** Expression used when the caller leaves it out. */
  fallback?: string;
}

export interface CallPlan {
  params: TsParam[];
  prelude: string[];
  nativeArgs: string[];
  /** The addon function's parameters and result type (native.ts). */
  nativeTypes: { name: string; type: string }[];
  nativeReturn: string;
  /** Statements after `const r = native.F(...)` (they use `r`). */
  epilogue: string[];
  returnType: string;
}

/** The index of the first parameter of the trailing run the caller may leave out. */
export function firstOptional(params: TsParam[]): number {
  let i = params.length;
  while (i > 0 && params[i - 1]!.fallback !== undefined) i--;
  return i;
}

/** The parameter list as TypeScript source: the trailing defaults with `?`, earlier ones `| undefined`. */
export function renderParams(plan: CallPlan): string {
  const first = firstOptional(plan.params);
  return plan.params
    .map((p, i) => {
      if (p.fallback === undefined) return `${p.name}: ${p.type}`;
      if (i >= first) return `${p.name}?: ${p.type}`;
      return `${p.name}: ${p.type} | undefined`;
    })
    .join(', ');
}

/** Statements that apply the defaults of left-out parameters. */
export function renderFallbacks(plan: CallPlan): string[] {
  return plan.params.filter((p) => p.fallback !== undefined).map((p) => `${p.name} ??= ${p.fallback};`);
}

/** The typed array holding one C integer cell. */
export function intCellArray(int: IntInfo): string {
  if (int.bits === 64) return int.signed ? 'BigInt64Array' : 'BigUint64Array';
  return `${int.signed ? 'Int' : 'Uint'}${int.bits}Array`;
}
