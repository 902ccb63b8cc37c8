/**
 * The bad-input plan the Windows-side suite (wine-suite.ts) sweeps: for every
 * generated function, its public parameters in order, each with the kind of
 * value it takes and a valid value (one that passes every check, so that a
 * bad value in another position is the only reason a call can throw).
 */
import type { Win32TargetModel } from '../../generator/model/win32.js';
import { planWrapper } from '../../generator/emit/win32/ts-functions.js';
import { aliasNames } from '../../generator/emit/win32/ts-types.js';

export type PlanKind = 'int' | 'float' | 'cell' | 'bool' | 'handle' | 'string' | 'bytes' | 'utf16' | 'struct' | 'records' | 'handles' | 'length' | 'mapping' | 'callback';

/**
 * `valid`: an integer's value; a struct's or a record array's class; a buffer's length (bytes, or UTF-16
 * units), at least the metadata's fixed count. `count`: that fixed count (in the same units, or records):
 * one element less is a RangeError.
 */
export type BadInputPlan = { fn: string; params: { name: string; kind: PlanKind; unsigned?: boolean; valid?: number | string; count?: number }[] }[];

export function badInputPlan(model: Win32TargetModel): BadInputPlan {
  const aliases = aliasNames(model);
  return model.functions.map((f) => ({
    fn: `${f.invoke.module}.${f.name}`,
    params: planWrapper(f, model, aliases).params.map((tp) => {
      const k = f.params.find((p) => p.name === tp.name)!.kind;
      switch (k.kind) {
        case 'int': {
          const valid = k.flags?.required ?? k.values?.values[0] ?? 0n;
          return { name: tp.name, kind: 'int' as const, unsigned: !k.type.int.signed && !k.type.flags, valid: Number(valid) };
        }
        case 'float':
          return { name: tp.name, kind: 'float' as const, valid: 0 };
        case 'cell':
          return { name: tp.name, kind: 'cell' as const, unsigned: k.elem.kind === 'int' && !k.elem.int.signed, valid: 0 };
        case 'bool':
        case 'handle':
        case 'string':
        case 'mapping':
        case 'callback':
          return { name: tp.name, kind: k.kind };
        case 'buffer': {
          const count = k.count !== undefined ? { count: k.count * (k.elemSize === 2 ? 1 : k.elemSize) } : {};
          return k.elemSize === 2
            ? { name: tp.name, kind: 'utf16' as const, valid: Math.max(128, k.count ?? 0), ...count }
            : { name: tp.name, kind: 'bytes' as const, valid: Math.max(256, (k.count ?? 0) * k.elemSize), ...count };
        }
        case 'records':
          return { name: tp.name, kind: 'records' as const, valid: k.record.name, ...(k.count !== undefined ? { count: k.count } : {}) };
        case 'range':
          return { name: tp.name, kind: 'bytes' as const, valid: 256 };
        case 'struct':
          return { name: tp.name, kind: 'struct' as const, valid: k.record.name };
        case 'array':
          return { name: tp.name, kind: 'handles' as const };
        case 'length':
          return { name: tp.name, kind: 'length' as const, valid: 0 };
        default:
          throw new Error(`${f.name}.${tp.name}: no plan for a ${k.kind} parameter`);
      }
    }),
  }));
}
