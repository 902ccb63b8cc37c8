/**
 * The bad-input plan the Windows-side suite (wine-suite.ts) sweeps: for every
 * generated function, its public parameters in order, each with the kind of
 * value it takes and a valid value (one that passes every check, so that a
 * bad value in another position is the only reason a call can throw).
 */
import type { Win32TargetModel } from '../../generator/model/win32.js';
import { planWrapper } from '../../generator/emit/win32/ts-functions.js';
import { aliasNames } from '../../generator/emit/win32/ts-types.js';

export type PlanKind = 'int' | 'float' | 'cell' | 'bool' | 'handle' | 'string' | 'bytes' | 'utf16' | 'struct' | 'handles' | 'length' | 'mapping' | 'callback';

export type BadInputPlan = { fn: string; params: { name: string; kind: PlanKind; unsigned?: boolean; valid?: number | string }[] }[];

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
        case 'buffer':
          return { name: tp.name, kind: k.elemSize === 2 ? ('utf16' as const) : ('bytes' as const) };
        case 'range':
          return { name: tp.name, kind: 'bytes' as const };
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
