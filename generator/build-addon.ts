/**
 * Builds the host's addon from generated/<target>/binding.cc with cmake-js in
 * Node-API mode (package.json's `binary.napi_versions` makes cmake-js use
 * node-api-headers: nothing is downloaded).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ToolchainError } from './errors.js';

export function buildAddon(opts: { root: string; target: string; quiet?: boolean }): string {
  const binding = join(opts.root, 'generated', opts.target, 'binding.cc');
  if (!existsSync(binding)) throw new ToolchainError(`nothing to build: ${binding} is missing (run \`sysbind generate --target ${opts.target}\`)`);
  const require = createRequire(join(opts.root, 'package.json'));
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const args = [cmakeJs, 'compile', '--directory', opts.root, '--out', join(opts.root, 'build'), `--CDSYSBIND_TARGET=${opts.target}`];
  if (opts.quiet) args.push('--log-level', 'error');
  const r = spawnSync(process.execPath, args, { cwd: opts.root, stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', encoding: 'utf8' });
  if (r.error) throw new ToolchainError(`cannot run cmake-js: ${r.error.message}`);
  if (r.status !== 0) {
    const out = opts.quiet ? `\n${r.stdout}\n${r.stderr}` : '';
    throw new ToolchainError(`cmake-js failed for ${opts.target} (exit ${r.status}); needs cmake, make and g++ (Debian: cmake build-essential)${out}`);
  }
  return join(opts.root, 'build', 'Release', 'sysbind.node');
}
