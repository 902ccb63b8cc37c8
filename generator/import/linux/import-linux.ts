/**
 * `sysbind import linux`: the Linux importers in order — syscall tables and
 * prototypes from a kernel tree, then constants and records from each target's
 * installed headers — with progress lines and a closing summary.
 */
import { join } from 'node:path';
import { loadTargets } from '../../spec/targets.js';
import { importLinuxConstants } from './constants.js';
import { importLinuxSyscalls } from './import-syscalls.js';
import { importLinuxRecords } from './uapi-records.js';

export interface ImportLinuxAllOptions {
  root: string;
  kernelSrc: string;
  /** Also import constants (needs every target's cross compiler). */
  constants: boolean;
  log: (line: string) => void;
}

export async function importLinux(opts: ImportLinuxAllOptions): Promise<void> {
  const specsDir = join(opts.root, 'specs');
  const matrix = loadTargets(specsDir);
  const started = Date.now();
  const sys = await importLinuxSyscalls({ kernelSrc: opts.kernelSrc, specsDir, targets: matrix, log: opts.log });
  for (const t of sys.unknownTypedefs) opts.log(`warning: prototype type '${t}' is not in specs/linux/kernel-typedefs.yaml`);
  let constants = '';
  if (opts.constants) {
    const c = await importLinuxConstants({ specsDir, targets: matrix.targets, log: { info: opts.log, debug: () => {} } });
    constants = `; constants: ${c.targets.map((t) => `${t.target} ${t.constants}`).join(', ')}`;
    const r = await importLinuxRecords({ specsDir, targets: matrix.targets, log: opts.log });
    constants += `; ${r.records} records`;
  }
  opts.log(
    `imported kernel ${sys.kernel}: syscalls ${Object.entries(sys.counts).map(([t, n]) => `${t} ${n}`).join(', ')}; ` +
      `${sys.prototypes} prototypes${constants} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
