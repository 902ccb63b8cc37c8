/**
 * The generation pipeline: specs → model → files, for each requested target.
 * Everything is rendered in memory first and written to a temporary folder;
 * only when every target succeeded are the new folders swapped into
 * generated/, so a failed run leaves the previous output exactly as it was.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emitAuditC } from './emit/audit-c.js';
import { makeBanner } from './emit/banner.js';
import { emitCppBinding, emitCppRuntime } from './emit/cpp-binding.js';
import { emitSmokeC } from './emit/smoke-c.js';
import { emitHostIndex, type TargetExports } from './emit/ts-host-index.js';
import { emitTsApi } from './emit/ts-api.js';
import { emitTsRuntime } from './emit/ts-runtime.js';
import { renderWin32Target } from './emit/win32/render-target.js';
import { buildLinuxModel, checkSemanticsNames, type LinuxTargetModel } from './spec/linux-model.js';
import { loadLinuxSpecs } from './spec/linux-specs.js';
import { loadTargets, type Target } from './spec/targets.js';

export interface GenerateOptions {
  root: string;
  /** Target names; empty means every target marked `generate: true`. */
  targets: string[];
  log?: (line: string) => void;
}

export interface GenerateResult {
  target: string;
  files: string[];
  /** What the target's calls are: Linux syscalls or Win32 functions. */
  calls: 'syscalls' | 'functions';
  /** Bound under their own name. */
  safe: number;
  /** Bound only as unsafe_<name> (each with its reason in the model). */
  unsafe: number;
  /** Not bound: danger.yaml refuses them. */
  refused: number;
  /** Not bound: not implemented on the target, skipped by the spec, or not expressible. */
  unbound: number;
  constants: number;
  structs: number;
  exports: TargetExports;
}

/** The names a target's index.ts exports (see emit/ts-api.ts indexFile). */
function exportsOf(model: LinuxTargetModel): TargetExports {
  const classes = model.structs.map((s) => s.tsName);
  const values = [
    'target', 'errnoTable', 'SyscallError', 'Struct', 'StructArray', 'unsafe_syscall',
    ...model.constants.flatMap((f) => f.constants.map((c) => c.name)),
    ...classes,
    ...model.syscalls.map((s) => s.name),
    ...model.syscalls.flatMap((s) => (s.alias ? [s.alias] : [])),
  ];
  return { target: model.target.name, values, classes };
}

export function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Renders one target's files in memory: name → content. */
export function renderTarget(root: string, target: Target, specs = loadLinuxSpecs(join(root, 'specs'))): { files: Map<string, string>; result: GenerateResult } {
  if (target.platform === 'win32') return renderWin32Target(root, target);
  const model = buildLinuxModel(specs, target);
  const inputs = [...model.inputs, join(root, 'specs', 'targets.yaml')].map((f) => resolve(root, f));
  const banner = makeBanner({ version: packageVersion(root), command: `sysbind generate --target ${target.name}`, inputs, root }).line;
  const files = new Map<string, string>();
  files.set('binding.cc', emitCppBinding(model, banner));
  files.set('audit.c', emitAuditC(specs, model, banner));
  files.set('smoke.c', emitSmokeC(specs, model, banner));
  for (const f of emitTsApi(model, banner)) files.set(f.name, f.text);
  return {
    files,
    result: {
      target: target.name,
      files: [...files.keys()].sort(),
      calls: 'syscalls',
      safe: model.syscalls.filter((c) => !c.unsafeReason).length,
      unsafe: model.syscalls.filter((c) => c.unsafeReason).length,
      refused: model.skipped.filter((c) => c.why === 'refused').length,
      unbound: model.skipped.filter((c) => c.why === 'unbound').length,
      exports: exportsOf(model),
      constants: model.constants.reduce((n, f) => n + f.constants.length, 0),
      structs: model.structs.length,
    },
  };
}

export function generate(opts: GenerateOptions): GenerateResult[] {
  const { root } = opts;
  const log = opts.log ?? (() => {});
  const matrix = loadTargets(join(root, 'specs'));
  const wanted = opts.targets.length > 0 ? opts.targets.map((n) => matrix.get(n)) : matrix.targets.filter((t) => t.generate);
  const specs = loadLinuxSpecs(join(root, 'specs'));
  checkSemanticsNames(specs, matrix.targets.filter((t) => t.platform === 'linux'));

  // Render everything before touching the disk.
  const rendered = wanted.map((t, i) => {
    const started = Date.now();
    const r = renderTarget(root, t, specs);
    const { calls, safe, unsafe, refused, unbound, constants, structs } = r.result;
    const notBound = calls === 'syscalls' ? `; ${refused} refused, ${unbound} unbound` : '';
    log(
      `[${i + 1}/${wanted.length}] ${t.name}: ${safe + unsafe} ${calls} bound (${safe} safe, ${unsafe} unsafe_)${notBound}, ` +
        `${constants} constants, ${structs} structs (${Date.now() - started} ms)`,
    );
    return r;
  });

  const outDir = join(root, 'generated');
  const staging = join(outDir, `.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const r of rendered) {
      const dir = join(staging, r.result.target);
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of r.files) writeFileSync(join(dir, name), text);
    }
    // The package index covers every Linux target in generated/ after this run, re-rendered or
    // not (Windows targets have their own API: import from 'sysbind/win32-<arch>').
    const linux = (name: string) => matrix.targets.some((t) => t.name === name && t.platform === 'linux');
    const exports = new Map(rendered.filter((r) => linux(r.result.target)).map((r) => [r.result.target, r.result.exports]));
    const kept = existsSync(outDir) ? readdirSync(outDir).filter((d) => !exports.has(d) && linux(d)) : [];
    for (const name of kept) exports.set(name, exportsOf(buildLinuxModel(specs, matrix.get(name))));
    const banner = makeBanner({ version: packageVersion(root), command: 'sysbind generate', inputs: [join(root, 'specs', 'targets.yaml')], root }).line;
    writeFileSync(join(staging, 'sysbind-runtime.h'), emitCppRuntime(banner));
    mkdirSync(join(staging, 'runtime'));
    for (const [name, text] of emitTsRuntime(root, packageVersion(root))) writeFileSync(join(staging, 'runtime', name), text);
    writeFileSync(join(staging, 'index.ts'), emitHostIndex([...exports.values()].sort((a, b) => a.target.localeCompare(b.target)), matrix.typesFrom, banner));
    // Swap in: each folder is replaced by a rename, the old one removed after.
    for (const folder of [...rendered.map((r) => r.result.target), 'runtime']) {
      const dest = join(outDir, folder);
      const old = join(staging, `${folder}.old`);
      if (existsSync(dest)) renameSync(dest, old);
      renameSync(join(staging, folder), dest);
    }
    renameSync(join(staging, 'index.ts'), join(outDir, 'index.ts'));
    renameSync(join(staging, 'sysbind-runtime.h'), join(outDir, 'sysbind-runtime.h'));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return rendered.map((r) => r.result);
}
