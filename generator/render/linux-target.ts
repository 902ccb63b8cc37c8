/**
 * Renders one Linux target's files in memory (binding.cc, audit.c, smoke.c and
 * the TypeScript API) from its model.
 */
import { linuxAuditProgram } from '../emit/audit-c.js';
import { emitLinuxBinding } from '../emit/cpp-syscalls.js';
import { emitSmokeC } from '../emit/smoke-c.js';
import type { TargetExports } from '../emit/ts-host-index.js';
import { emitTsApi } from '../emit/ts-api.js';
import { buildLinuxModel, type LinuxTargetModel } from '../spec/linux-model.js';
import type { LinuxSpecs } from '../spec/linux-specs.js';
import type { Target } from '../spec/targets.js';
import { assembleTarget, type RenderedTarget, type SyscallCoverage } from './rendered.js';

/** The names a target's index.ts exports (see emit/ts-api.ts indexFile). */
export function linuxExports(model: LinuxTargetModel): TargetExports {
  const classes = model.structs.map((s) => s.tsName);
  const values = [
    'target', 'errnoTable', 'SyscallError', 'Struct', 'StructArray', 'unsafe_syscall', 'spawn',
    ...model.constants.flatMap((f) => f.constants.map((c) => c.name)),
    ...classes,
    ...model.syscalls.map((s) => s.name),
    ...model.syscalls.flatMap((s) => (s.alias ? [s.alias] : [])),
  ];
  return { target: model.target.name, values, classes };
}

export function renderLinuxTarget(root: string, target: Target, specs: LinuxSpecs): RenderedTarget {
  const model = buildLinuxModel(specs, target);
  return assembleTarget(root, target, {
    inputs: model.inputs,
    write: (banner) => ({
      c: [
        ['binding.cc', emitLinuxBinding(model, banner)],
        ['smoke.c', emitSmokeC(specs, model, banner)],
      ],
      ts: emitTsApi(model, banner),
      audit: linuxAuditProgram(specs, model),
    }),
    result: {
      calls: 'syscalls',
      safe: model.syscalls.filter((c) => !c.unsafeReason).length,
      unsafe: model.syscalls.filter((c) => c.unsafeReason).length,
      refused: model.skipped.filter((c) => c.why === 'refused').length,
      unbound: {
        notImplemented: model.skipped.filter((c) => c.why === 'not-implemented').length,
        skipped: model.skipped.filter((c) => c.why === 'skipped').length,
        notExpressible: model.skipped.filter((c) => c.why === 'not-expressible').length,
      },
      exports: linuxExports(model),
      constants: model.constants.reduce((n, f) => n + f.constants.length, 0),
      structs: model.structs.length,
      coverage: coverageOf(model),
    },
  });
}

function coverageOf(model: LinuxTargetModel): SyscallCoverage {
  // Typed forms of a multiplexed call (ioctl_TCGETS) are exports, not syscalls of their own.
  const calls = model.syscalls.filter((c) => !c.formOf);
  const count = (why: string) => model.skipped.filter((c) => c.why === why).length;
  const safe = calls.filter((c) => !c.unsafeReason);
  const unsafe = calls.filter((c) => c.unsafeReason);
  const coverage: SyscallCoverage = {
    implemented: 0,
    safe: {
      curated: safe.filter((c) => !c.unannotated).length,
      derived: safe.filter((c) => c.derived).length,
      integers: safe.filter((c) => c.unannotated && !c.derived).length,
    },
    unsafe: { danger: unsafe.filter((c) => c.unsafeClass === 'danger').length, undescribed: unsafe.filter((c) => c.unsafeClass !== 'danger').length },
    unbound: { refused: count('refused'), skipped: count('skipped'), notExpressible: count('not-expressible') },
  };
  coverage.implemented = calls.length + coverage.unbound.refused + coverage.unbound.skipped + coverage.unbound.notExpressible;
  return coverage;
}
