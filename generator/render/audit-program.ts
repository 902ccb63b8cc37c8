/**
 * A target's audit program (model/probe.ts), built from its specs and model
 * the same way generation builds the audit.c it writes.
 */
import { join } from 'node:path';
import { linuxAuditProgram } from '../emit/audit-c.js';
import { win32AuditProgram } from '../emit/win32/audit-c.js';
import type { AuditProgram } from '../model/probe.js';
import { buildLinuxModel } from '../spec/linux-model.js';
import { loadLinuxSpecs } from '../spec/linux-specs.js';
import type { Target } from '../spec/targets.js';
import { buildWin32Model } from '../spec/win32-model.js';
import { loadWin32Specs } from '../spec/win32-specs.js';

export function auditProgramFor(root: string, target: Target): AuditProgram {
  const specsDir = join(root, 'specs');
  if (target.platform === 'win32') {
    const specs = loadWin32Specs(specsDir);
    return win32AuditProgram(buildWin32Model(specs, target), specs.headers.data);
  }
  const specs = loadLinuxSpecs(specsDir);
  return linuxAuditProgram(specs, buildLinuxModel(specs, target));
}
