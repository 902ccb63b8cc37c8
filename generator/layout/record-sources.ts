/**
 * Where `sysbind layout` finds a record: Linux's in specs/linux/types (laid out
 * per target by resolveTargetStructs), Windows' in specs/win32/types.json (laid
 * out per target by the Win32 model). Both answer with the engine's RecordDecl
 * for a target, or null where the record has no variant.
 */
import type { RecordDecl } from '../model/ctype.js';
import { loadLinuxSpecs } from '../spec/linux-specs.js';
import type { Target } from '../spec/targets.js';
import { buildWin32Model } from '../spec/win32-model.js';
import { loadWin32Specs } from '../spec/win32-specs.js';
import type { RecordTitle } from './layout-compare.js';
import { resolveTargetStructs } from './target-structs.js';

export interface RecordSource {
  platform: 'linux' | 'win32';
  /** Where the records are, for messages. */
  where: string;
  names(): string[];
  title(name: string): RecordTitle | undefined;
  declFor(name: string, target: Target): RecordDecl | null;
}

export function linuxRecords(specsDir: string): RecordSource {
  const specs = loadLinuxSpecs(specsDir);
  return {
    platform: 'linux',
    where: 'specs/linux/types',
    names: () => [...specs.types.records.keys()].sort(),
    title: (name) => {
      const e = specs.types.records.get(name);
      return e && { name, cname: e.spec.cname, header: e.spec.header };
    },
    declFor: (name, target) => resolveTargetStructs(specs, target).structs.get(name)?.decl ?? null,
  };
}

export function win32Records(specsDir: string): RecordSource {
  const specs = loadWin32Specs(specsDir);
  const models = new Map<string, ReturnType<typeof buildWin32Model>>();
  const model = (t: Target) => models.get(t.name) ?? models.set(t.name, buildWin32Model(specs, t)).get(t.name)!;
  const declared = new Set(specs.types.data.records.map((r) => r.name));
  return {
    platform: 'win32',
    where: 'specs/win32/types.json',
    names: () => [...declared].sort(),
    title: (name) => (declared.has(name) ? { name, cname: name, header: specs.headers.data.include.join(', ') } : undefined),
    declFor: (name, target) => model(target).records.find((r) => r.name === name)?.decl ?? null,
  };
}

/** The record sources of the specs folder, Linux first. */
export function recordSources(specsDir: string): RecordSource[] {
  return [linuxRecords(specsDir), win32Records(specsDir)];
}
