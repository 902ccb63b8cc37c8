/**
 * Runs the Linux importer from the command line until `sysbind import linux`
 * is wired to it: `npx tsx generator/import/linux/run-import.ts <kernel-src> [specsDir]`.
 */
import { resolve } from 'node:path';
import { SysbindError } from '../../errors.js';
import { importLinuxSyscalls } from './import-syscalls.js';

const [kernelSrc, specsDir = 'specs'] = process.argv.slice(2);
if (!kernelSrc) {
  console.error('usage: run-import.ts <kernel source dir or tarball> [specs dir]');
  process.exit(2);
}
const started = Date.now();
try {
  const r = await importLinuxSyscalls({ kernelSrc, specsDir: resolve(specsDir), log: (l) => console.log(l) });
  for (const m of r.unknownTypedefs) console.log(`type not in kernel-typedefs.yaml: ${m}`);
  console.log(`imported kernel ${r.kernel}: ${Object.entries(r.counts).map(([t, n]) => `${t} ${n}`).join(', ')}; ` +
    `${r.prototypes} prototypes, ${r.missingPrototypes.length} missing, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  if (!(e instanceof SysbindError)) throw e;
  console.error(e.message);
  process.exit(1);
}
