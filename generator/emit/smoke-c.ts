/**
 * Emits smoke.c for a Linux target: a C program that makes a handful of
 * syscalls by the spec's numbers, for running under qemu-user. Which calls it
 * makes is the template's business; this module hands it the target's numbers,
 * constants and the shape of its mmap entry point.
 */
import { EmitError } from '../errors.js';
import type { LinuxSpecs } from '../spec/linux-specs.js';
import type { LinuxTargetModel } from '../spec/linux-model.js';
import { render } from './templates.js';

export function emitSmokeC(specs: LinuxSpecs, model: LinuxTargetModel, banner: string): string {
  const rows = specs.table(model.target).data.syscalls;
  const nr = Object.fromEntries(rows.map((r) => [r.name, r.nr]));
  const constant = (name: string) => {
    for (const f of model.constants) for (const c of f.constants) if (c.name === name) return c.value;
    throw new EmitError(`smoke.c needs constant ${name}, which ${model.target.name} does not define`);
  };
  const protoOf = (name: string) => {
    const entry = rows.find((r) => r.name === name)?.entry;
    const p = entry ? specs.prototypes.data.prototypes[entry] : undefined;
    return p?.byArch?.[`${model.target.kernelArch}/${model.target.dataModel === 'ILP32' ? 32 : 64}`] ?? p?.byArch?.[model.target.kernelArch ?? ''] ?? p;
  };
  // mmap2 (offset in pages) where the target has it; else mmap, which some arches
  // (s390x) still define as old_mmap taking a single pointer to its six arguments.
  const mmapName = nr.mmap2 !== undefined ? 'mmap2' : 'mmap';
  const mmapStruct = protoOf(mmapName)?.params.length === 1;
  // Far past every table (and past numbers newer kernels may add), below any arch's private range.
  const unusedNr = (model.target.syscallOffset ?? 0) + 4000;
  if (rows.some((r) => r.nr === unusedNr)) throw new EmitError(`smoke.c: syscall ${unusedNr} is in use on ${model.target.name}`);
  return render('linux/smoke.c.hbs', {
    banner,
    target: model.target.name,
    nr,
    mmapNr: nr[mmapName],
    mmapStruct,
    atFdcwd: constant('AT_FDCWD'),
    protRW: `${constant('PROT_READ')} | ${constant('PROT_WRITE')}`,
    mapPrivAnon: `${constant('MAP_PRIVATE')} | ${constant('MAP_ANONYMOUS')}`,
    unusedNr,
  });
}
