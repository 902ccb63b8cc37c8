/**
 * Every Linux target's generated binding.cc compiles with that target's real
 * C++ cross compiler against node-addon-api and the Node-API headers, with
 * warnings as errors: the C++ is checked on every arch, including those with
 * no Node binary to run it (ia32, riscv64, mips64el).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTargets } from '../../generator/spec/targets.js';
import { ROOT } from '../helpers/root.js';
import { requireTool } from '../helpers/tools.js';

const require = createRequire(join(ROOT, 'package.json'));
const napiInclude = (require('node-api-headers') as { include_dir: string }).include_dir;
const addonInclude = dirname(require.resolve('node-addon-api/package.json'));
const linux = loadTargets(join(ROOT, 'specs')).targets.filter((t) => t.platform === 'linux' && t.generate);

function compile(cxx: string, file: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const args = ['-std=c++17', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', '-I', addonInclude, '-I', napiInclude, file];
    const child = spawn(cxx, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('generated C++ compiles for every Linux target', () => {
  for (const t of linux) {
    const cxx = `${t.triple}-g++`;
    it.skipIf(!requireTool(cxx, `g++-${t.triple}`))(`${t.name} with ${cxx}`, async () => {
      const r = await compile(cxx, join(ROOT, 'generated', t.name, 'binding.cc'));
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }, 180_000);
  }
});
