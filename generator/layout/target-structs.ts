/**
 * The struct specs alone, resolved and laid out for one Linux target: no
 * syscall tables, prototypes or constants are consulted, so a target whose
 * syscall specs are incomplete can still be shown and tested. Kernel typedefs
 * are picked for the target by the same function buildLinuxModel uses.
 */
import type { RecordLayout } from '../model/ctype.js';
import { kernelTypedefsFor } from '../spec/linux-model.js';
import { abiOf } from '../spec/targets.js';
import type { LinuxSpecs } from '../spec/linux-specs.js';
import { resolveStructs, type StructModel } from '../spec/struct-specs.js';
import type { Target } from '../spec/targets.js';
import { layoutRecord } from './engine.js';

export interface TargetStructs {
  target: Target;
  /** Every record a variant applies to on this target, by spec name. */
  structs: Map<string, StructModel>;
  layouts: Map<string, RecordLayout>;
}

export function resolveTargetStructs(specs: Pick<LinuxSpecs, 'types' | 'typedefs'>, target: Target): TargetStructs {
  const structs = resolveStructs(specs.types, target, kernelTypedefsFor(specs, target));
  const abi = abiOf(target);
  const layouts = new Map([...structs.values()].map((s) => [s.name, layoutRecord(s.decl, abi)]));
  return { target, structs, layouts };
}
