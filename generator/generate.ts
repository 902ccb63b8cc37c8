/**
 * The generation pipeline: specs → model → files, for each requested target.
 * Everything is rendered in memory first and written to a temporary folder;
 * only when every target succeeded are the new folders swapped into
 * generated/, so a failed run leaves the previous output exactly as it was.
 */
import { coverageTable, functionCoverageTable } from './render/coverage-table.js';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBanner } from './emit/banner.js';
import { emitCppRuntime } from './emit/cpp-args.js';
import { emitHostIndex } from './emit/ts-host-index.js';
import { emitTsRuntime } from './emit/ts-runtime.js';
import { linuxExports, renderLinuxTarget } from './render/linux-target.js';
import { packageVersion, type GenerateResult, type RenderedTarget } from './render/rendered.js';
import { auditAgainstExisting, SHARED_AUDIT, shareAuditItems } from './render/shared-audit.js';
import { commonFolder, shareIdentical, stubAgainstExisting } from './render/shared-files.js';
import { checkWin32Selectors, renderWin32Target } from './render/win32-target.js';
import { buildLinuxModel, checkSemanticsNames } from './spec/linux-model.js';
import { loadLinuxSpecs } from './spec/linux-specs.js';
import { loadTargets, type Target } from './spec/targets.js';

export interface GenerateOptions {
  root: string;
  /** Target names; empty means every target marked `generate: true`. */
  targets: string[];
  log?: (line: string) => void;
}

/** Renders one target's own files in memory (before any sharing between targets). */
export function renderTarget(root: string, target: Target, specs = loadLinuxSpecs(join(root, 'specs'))): RenderedTarget {
  return target.platform === 'win32' ? renderWin32Target(root, target) : renderLinuxTarget(root, target, specs);
}

/**
 * One target's files as generation writes them when it is rendered alone: files
 * the committed common folder already holds become re-exports of it.
 */
export function renderTargetAsWritten(root: string, target: Target): RenderedTarget {
  const r = renderTarget(root, target);
  stubAgainstExisting(target.platform, r, join(root, 'generated'));
  auditAgainstExisting(target.platform, r, join(root, 'generated'));
  return r;
}

/**
 * Shares identical files between the rendered targets of each platform. Returns
 * the common folders to write (name → files); a platform rendered only in part
 * keeps its common folder, and its targets are matched against it.
 */
function shareBetweenTargets(root: string, all: Target[], rendered: RenderedTarget[]): Map<string, Map<string, string>> {
  const folders = new Map<string, Map<string, string>>();
  const version = packageVersion(root);
  for (const platform of [...new Set(all.map((t) => t.platform))].sort()) {
    const mine = rendered.filter((r) => all.find((t) => t.name === r.result.target)?.platform === platform);
    if (mine.length === 0) continue;
    const whole = all.filter((t) => t.platform === platform && t.generate).every((t) => mine.some((r) => r.result.target === t.name));
    if (!whole) {
      for (const r of mine) stubAgainstExisting(platform, r, join(root, 'generated'));
      for (const r of mine) auditAgainstExisting(platform, r, join(root, 'generated'));
      continue;
    }
    const banner = (inputs: string[]) => makeBanner({ version, command: 'sysbind generate', inputs, root }).line;
    const files = shareIdentical(platform, mine, banner);
    const audit = shareAuditItems(platform, mine, banner);
    if (audit !== null) files.set(SHARED_AUDIT, audit);
    folders.set(commonFolder(platform), files);
  }
  return folders;
}

export function generate(opts: GenerateOptions): GenerateResult[] {
  const { root } = opts;
  const log = opts.log ?? (() => {});
  const matrix = loadTargets(join(root, 'specs'));
  const wanted = opts.targets.length > 0 ? opts.targets.map((n) => matrix.get(n)) : matrix.targets.filter((t) => t.generate);
  const specs = loadLinuxSpecs(join(root, 'specs'));
  checkSemanticsNames(specs, matrix.targets.filter((t) => t.platform === 'linux'));
  if (wanted.some((t) => t.platform === 'win32')) checkWin32Selectors(root, matrix.targets.filter((t) => t.platform === 'win32'));

  // Render everything before touching the disk.
  const rendered = wanted.map((t, i) => {
    const started = Date.now();
    const r = renderTarget(root, t, specs);
    const { calls, safe, unsafe, refused, unbound, constants, structs } = r.result;
    const { notImplemented, skipped, notExpressible } = unbound;
    const notBound = calls === 'syscalls' ? `; ${refused} refused, ${notImplemented + skipped + notExpressible} unbound (${notImplemented} not implemented, ${skipped} skipped by semantics.yaml, ${notExpressible} not expressible)` : '';
    log(
      `[${i + 1}/${wanted.length}] ${t.name}: ${safe + unsafe} ${calls} bound (${safe} safe, ${unsafe} unsafe_)${notBound}, ` +
        `${constants} constants, ${structs} structs (${Date.now() - started} ms)`,
    );
    return r;
  });
  for (const line of coverageTable(rendered.map((r) => r.result))) log(line);
  for (const line of functionCoverageTable(rendered.map((r) => r.result))) log(line);
  const common = shareBetweenTargets(root, matrix.targets, rendered);
  for (const [folder, files] of common) {
    if (files.size > 0) log(`${folder}: ${[...files.keys()].join(', ')} emitted once for the targets they are identical on`);
  }

  const outDir = join(root, 'generated');
  const staging = join(outDir, `.staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const folders = new Map<string, Map<string, string>>([...rendered.map((r): [string, Map<string, string>] => [r.result.target, r.files]), ...common]);
    const runtimeBanner = makeBanner({ version: packageVersion(root), command: 'sysbind generate', inputs: [join(root, 'templates', 'cpp', 'runtime.h.hbs'), join(root, 'specs', 'targets.yaml')], root }).line;
    folders.set('runtime', new Map([...emitTsRuntime(root, packageVersion(root)), ['sysbind-runtime.h', emitCppRuntime(runtimeBanner)]]));
    for (const [folder, files] of folders) {
      mkdirSync(join(staging, folder), { recursive: true });
      for (const [name, text] of files) writeFileSync(join(staging, folder, name), text);
    }
    // The package index covers every Linux target in generated/ after this run, re-rendered or
    // not (Windows targets have their own API: import from 'sysbind/win32-<arch>').
    const linux = (name: string) => matrix.targets.some((t) => t.name === name && t.platform === 'linux');
    const exports = new Map(rendered.filter((r) => linux(r.result.target)).map((r) => [r.result.target, r.result.exports]));
    const kept = existsSync(outDir) ? readdirSync(outDir).filter((d) => !exports.has(d) && linux(d)) : [];
    for (const name of kept) exports.set(name, linuxExports(buildLinuxModel(specs, matrix.get(name))));
    const banner = makeBanner({ version: packageVersion(root), command: 'sysbind generate', inputs: [join(root, 'specs', 'targets.yaml')], root }).line;
    writeFileSync(join(staging, 'index.ts'), emitHostIndex([...exports.values()].sort((a, b) => a.target.localeCompare(b.target)), matrix.typesFrom, banner));
    // Swap in: each folder is replaced by a rename, the old one removed after
    // (an empty common folder: nothing is shared any more).
    for (const [folder, files] of folders) {
      const dest = join(outDir, folder);
      const old = join(staging, `${folder}.old`);
      if (existsSync(dest)) renameSync(dest, old);
      if (files.size > 0) renameSync(join(staging, folder), dest);
    }
    renameSync(join(staging, 'index.ts'), join(outDir, 'index.ts'));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return rendered.map((r) => r.result);
}
