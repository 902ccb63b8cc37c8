/**
 * Runs the Linux constants importer on specs/ for every linux target:
 * `npx tsx generator/import/linux/run-constants.ts [--verbose]`
 * (--verbose also prints every dropped or skipped macro and why).
 */
import { fileURLToPath } from 'node:url';
import { SysbindError } from '../../errors.js';
import { loadTargets } from '../../spec/targets.js';
import { importLinuxConstants } from './constants.js';

const specsDir = fileURLToPath(new URL('../../../specs', import.meta.url));
const verbose = process.argv.includes('--verbose');
const started = performance.now();
try {
  const summary = await importLinuxConstants({
    specsDir,
    targets: loadTargets(specsDir).targets,
    log: { info: (m) => console.log(m), debug: (m) => verbose && console.error(m) },
  });
  const total = summary.targets.reduce((n, t) => n + t.constants, 0);
  console.log(`${total} constants for ${summary.targets.length} targets in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  if (!(e instanceof SysbindError)) throw e;
  console.error(e.message);
  process.exitCode = 1;
}
