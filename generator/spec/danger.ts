/**
 * Schema and reading of specs/linux/danger.yaml: which syscalls are exported
 * only as unsafe_<name>, and which are refused, each with its reason. The
 * model stage applies it to every binding, curated or prototype-only, so no
 * semantics entry can give a dangerous call a safe name.
 */
import { SpecError } from '../errors.js';
import type { Target } from './targets.js';
import { loadSpecFile, type SourceFile } from './source-file.js';

export interface DangerFile {
  unsafe: Record<string, string>;
  refused: Record<string, string>;
}

export type Danger = { class: 'unsafe' | 'refused'; reason: string };

const reasons = { type: 'object', additionalProperties: { type: 'string', minLength: 10 } } as const;
const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['unsafe', 'refused'],
  properties: { unsafe: reasons, refused: reasons },
} as const;

export function loadDanger(file: string): SourceFile<DangerFile> {
  const src = loadSpecFile<DangerFile>(file, schema);
  for (const name of Object.keys(src.data.refused)) {
    if (name in src.data.unsafe) throw new SpecError(`'${name}' is listed as both unsafe and refused`, src.at(['refused', name]));
  }
  return src;
}

/** The danger class of a syscall, if danger.yaml lists it. */
export function dangerOf(danger: SourceFile<DangerFile>, name: string): Danger | undefined {
  const { unsafe, refused } = danger.data;
  if (Object.hasOwn(refused, name)) return { class: 'refused', reason: refused[name]! };
  if (Object.hasOwn(unsafe, name)) return { class: 'unsafe', reason: unsafe[name]! };
  return undefined;
}

/** An entry that names a syscall no target knows is a typo, reported at its line. */
export function checkDangerNames(danger: SourceFile<DangerFile>, known: Set<string>, targets: Target[]): void {
  for (const cls of ['unsafe', 'refused'] as const) {
    for (const name of Object.keys(danger.data[cls])) {
      if (!known.has(name)) {
        throw new SpecError(`'${name}' is not a syscall on any target (${targets.map((t) => t.name).join(', ')})`, danger.at([cls, name]));
      }
    }
  }
}
