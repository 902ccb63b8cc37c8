/**
 * Renders one Windows target's files in memory (binding.cc, audit.c, smoke.cc and the
 * TypeScript API) from specs/win32/. The specs are read once
 * per process and reused while their files are unchanged, since every Windows
 * target reads the same ones.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Place } from '../errors.js';
import { checkSelectors } from '../spec/selectors.js';
import type { Target } from '../spec/targets.js';
import { buildWin32Model } from '../spec/win32-model.js';
import type { Win32TargetModel } from '../model/win32.js';
import type { FunctionCoverage } from './rendered.js';
import { loadWin32Specs, type Win32Specs } from '../spec/win32-specs.js';
import { win32AuditProgram } from '../emit/win32/audit-c.js';
import { emitWin32Binding } from '../emit/win32/cpp-functions.js';
import { emitWin32Smoke } from '../emit/win32/smoke.js';
import { emitWin32TsApi } from '../emit/win32/ts-api.js';
import { assembleTarget, type RenderedTarget } from './rendered.js';

let cached: { key: string; specs: Win32Specs } | undefined;

/** Every Win32 spec file with its modification time: the specs are reread when this changes. */
function fingerprint(specsDir: string): string {
  const dir = join(specsDir, 'win32');
  const functions = join(dir, 'functions');
  const files = [...(existsSync(functions) ? readdirSync(functions).sort().map((f) => join(functions, f)) : []), ...['types.json', 'constants.json', 'selection.yaml', 'headers.yaml'].map((f) => join(dir, f))];
  return files.map((f) => `${f}@${statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 'missing'}`).join('|');
}

function specsFor(specsDir: string): Win32Specs {
  const key = fingerprint(specsDir);
  if (cached?.key !== key) cached = { key, specs: loadWin32Specs(specsDir) };
  return cached.specs;
}

/**
 * Every `architectures` list of the Win32 specs (functions, records, typedefs,
 * callbacks) names Windows targets (spec/selectors.ts): a list naming none
 * would silently drop its item everywhere.
 */
export function checkWin32Selectors(root: string, targets: Target[]): void {
  const specs = specsFor(join(root, 'specs'));
  const check = (list: string[] | undefined, what: string, place: () => Place) => checkSelectors(list ?? [], targets, `${what}: architecture`, place);
  for (const file of specs.functions) file.data.functions.forEach((f, i) => check(f.architectures, f.name, () => file.at(['functions', i, 'architectures'])));
  for (const section of ['records', 'typedefs', 'callbacks'] as const) {
    specs.types.data[section].forEach((r, i) => check(r.architectures, r.name, () => specs.types.at([section, i, 'architectures'])));
  }
}

export function renderWin32Target(root: string, target: Target): RenderedTarget {
  const specs = specsFor(join(root, 'specs'));
  const model = buildWin32Model(specs, target);
  const classes = model.records.map((r) => r.name);
  const values = [
    'target', 'lastError', 'Win32Error', 'NtStatusError', 'Struct', 'fromUtf16', 'win32ErrorNames', 'ntStatusNames', 'hresultNames',
    ...model.constants.map((c) => c.name),
    ...classes,
    ...model.modules.map((m) => m.module),
  ];
  return assembleTarget(root, target, {
    inputs: model.inputs,
    write: (banner) => ({
      c: [
        ['binding.cc', emitWin32Binding(model, banner)],
        ['smoke.cc', emitWin32Smoke(model, banner)],
        ['refused.md', refusedList(model, banner)],
      ],
      ts: emitWin32TsApi(model, banner),
      audit: win32AuditProgram(model, specs.headers.data),
    }),
    result: {
      calls: 'functions',
      safe: model.functions.filter((f) => !f.name.startsWith('unsafe_')).length,
      unsafe: model.functions.filter((f) => f.name.startsWith('unsafe_')).length,
      refused: model.refused.length,
      unbound: { notImplemented: 0, skipped: 0, notExpressible: 0 },
      functionCoverage: functionCoverage(model, specs),
      constants: model.constants.length,
      structs: model.records.length,
      exports: { target: target.name, values, classes },
    },
  });
}

/** The counts of the Win32 coverage table for one target. */
function functionCoverage(model: Win32TargetModel, specs: Win32Specs): FunctionCoverage {
  const sel = specs.selection.data;
  const curated = new Set([...Object.keys(sel.conventions ?? {}), ...Object.keys(sel.overrides ?? {}), ...Object.keys(sel.declare ?? {})]);
  const withConventions = model.functions.filter((f) => curated.has(f.name)).length;
  const refused: Record<string, number> = {};
  for (const r of model.refused) refused[r.category] = (refused[r.category] ?? 0) + 1;
  return {
    inMetadata: model.functions.length + model.refused.length + model.excluded.length,
    fromAttributes: model.functions.length - withConventions,
    failureUnstated: model.functions.filter((f) => f.failureUnstated && !curated.has(f.name)).length,
    withConventions,
    ansiTwins: model.excluded.length,
    refused,
  };
}

/** refused.md: every function of the selection's DLLs that is not bound, with why, by category. */
function refusedList(model: Win32TargetModel, banner: string): string {
  const lines = [`<!-- ${banner.replace(/^\/\/ ?/, '')} -->`, `# ${model.target.name}: functions not bound`, ''];
  const groups = new Map<string, { name: string; dll: string; reason: string }[]>();
  for (const r of model.refused) groups.set(r.category, [...(groups.get(r.category) ?? []), r]);
  groups.set('ANSI twin', model.excluded);
  for (const [category, list] of [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
    lines.push(`## ${category} (${list.length})`, '', '| function | DLL | why |', '|---|---|---|');
    for (const r of [...list].sort((a, b) => a.name.localeCompare(b.name))) lines.push(`| ${r.name} | ${r.dll} | ${r.reason.replace(/\|/g, '\\|')} |`);
    lines.push('');
  }
  return lines.join('\n');
}
