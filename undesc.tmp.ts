import { buildLinuxModel } from './generator/spec/linux-model.js';
import { loadLinuxSpecs } from './generator/spec/linux-specs.js';
import { loadTargets } from './generator/spec/targets.js';
const specs = loadLinuxSpecs('/work/main/specs');
const m = buildLinuxModel(specs, loadTargets('/work/main/specs').get(process.argv[2] ?? 'linux-x64'));
for (const c of m.syscalls) if (c.unsafeClass === 'undescribed') console.log(c.name, '|', c.unsafeReason);
for (const c of m.skipped) console.log('SKIPPED', c.name, c.why);
