/**
 * Renders one Linux target's files in memory (binding.cc, audit.c, smoke.c and
 * the TypeScript API) from its model.
 */
import { join, resolve } from 'node:path';
import { linuxAuditProgram, renderAuditC } from '../emit/audit-c.js';
import { makeBanner } from '../emit/banner.js';
import { emitCppBinding } from '../emit/cpp-binding.js';
import { emitSmokeC } from '../emit/smoke-c.js';
import type { TargetExports } from '../emit/ts-host-index.js';
import { emitTsApi } from '../emit/ts-api.js';
import { buildLinuxModel, type LinuxTargetModel } from '../spec/linux-model.js';
import type { LinuxSpecs } from '../spec/linux-specs.js';
import type { Target } from '../spec/targets.js';
import { packageVersion, type RenderedTarget } from './rendered.js';

/** The names a target's index.ts exports (see emit/ts-api.ts indexFile). */
export function linuxExports(model: LinuxTargetModel): TargetExports {
  const classes = model.structs.map((s) => s.tsName);
  const values = [
    'target', 'errnoTable', 'SyscallError', 'Struct', 'StructArray', 'unsafe_syscall',
    ...model.constants.flatMap((f) => f.constants.map((c) => c.name)),
    ...classes,
    ...model.syscalls.map((s) => s.name),
    ...model.syscalls.flatMap((s) => (s.alias ? [s.alias] : [])),
  ];
  return { target: model.target.name, values, classes };
}

export function renderLinuxTarget(root: string, target: Target, specs: LinuxSpecs): RenderedTarget {
  const model = buildLinuxModel(specs, target);
  const inputs = [...model.inputs, join(root, 'specs', 'targets.yaml')].map((f) => resolve(root, f));
  const banner = makeBanner({ version: packageVersion(root), command: `sysbind generate --target ${target.name}`, inputs, root }).line;
  const files = new Map<string, string>();
  const shareable = new Map<string, string[]>();
  files.set('binding.cc', emitCppBinding(model, banner));
  files.set('audit.c', renderAuditC(linuxAuditProgram(specs, model), banner));
  files.set('smoke.c', emitSmokeC(specs, model, banner));
  for (const f of emitTsApi(model, banner)) {
    files.set(f.name, f.text);
    if (f.siblings) shareable.set(f.name, f.siblings);
  }
  return {
    files,
    shareable,
    inputs,
    result: {
      target: target.name,
      files: [...files.keys()].sort(),
      calls: 'syscalls',
      safe: model.syscalls.filter((c) => !c.unsafeReason).length,
      unsafe: model.syscalls.filter((c) => c.unsafeReason).length,
      refused: model.skipped.filter((c) => c.why === 'refused').length,
      unbound: model.skipped.filter((c) => c.why === 'unbound').length,
      exports: linuxExports(model),
      constants: model.constants.reduce((n, f) => n + f.constants.length, 0),
      structs: model.structs.length,
    },
  };
}
