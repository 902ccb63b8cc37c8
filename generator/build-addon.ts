/**
 * Builds an addon from generated/<target>/binding.cc with cmake-js in
 * Node-API mode (package.json's `binary.napi_versions` makes cmake-js use
 * node-api-headers: nothing is downloaded). Without `cross` it builds the
 * host's addon into build/Release; with it, a cross build (`--arch` and a
 * toolchain file, see generator/cross/) into its own folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ToolchainError } from './errors.js';

export interface BuildInto {
  /** The CMake build folder; the addon lands in <outDir>/Release/sysbind.node. */
  outDir: string;
  /** Node's process.arch of the target (cmake-js --arch), for a cross build. */
  arch?: string;
  toolchainFile?: string;
}

export function buildAddon(opts: { root: string; target: string; quiet?: boolean; into?: BuildInto }): string {
  const binding = join(opts.root, 'generated', opts.target, 'binding.cc');
  if (!existsSync(binding)) throw new ToolchainError(`nothing to build: ${binding} is missing (run \`sysbind generate --target ${opts.target}\`)`);
  const require = createRequire(join(opts.root, 'package.json'));
  const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
  const outDir = opts.into?.outDir ?? join(opts.root, 'build');
  const args = [cmakeJs, 'compile', '--directory', opts.root, '--out', outDir, `--CDSYSBIND_TARGET=${opts.target}`];
  if (opts.into?.arch) args.push('--arch', opts.into.arch);
  if (opts.into?.toolchainFile) args.push(`--CDCMAKE_TOOLCHAIN_FILE=${opts.into.toolchainFile}`);
  if (opts.quiet) args.push('--log-level', 'error');
  const r = spawnSync(process.execPath, args, { cwd: opts.root, stdio: opts.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', encoding: 'utf8' });
  if (r.error) throw new ToolchainError(`cannot run cmake-js: ${r.error.message}`);
  if (r.status !== 0) {
    const out = opts.quiet ? `\n${r.stdout}\n${r.stderr}` : '';
    const needs = opts.into?.toolchainFile ? `cmake and the toolchain in ${opts.into.toolchainFile}` : 'cmake, make and g++ (Debian: cmake build-essential)';
    throw new ToolchainError(`cmake-js failed for ${opts.target} (exit ${r.status}); needs ${needs}${out}`);
  }
  return join(outDir, 'Release', 'sysbind.node');
}
