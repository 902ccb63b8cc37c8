/**
 * Declarations identical on every target are emitted once, as golang/sys's
 * mkmerge does: a shareable file (RenderedTarget.shareable) whose text, banner
 * aside, is the same on two or more targets of a platform goes to
 * generated/<platform>-common/, and each of those targets keeps a one-line file
 * re-exporting it, so imports and the public API do not change.
 *
 * A file is shared only together with every sibling it imports (error-names.ts
 * with types.ts): its common copy imports the common siblings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RenderedTarget } from './rendered.js';

export function commonFolder(platform: string): string {
  return `${platform}-common`;
}

function splitBanner(text: string): { banner: string; body: string } {
  const nl = text.indexOf('\n');
  return { banner: text.slice(0, nl), body: text.slice(nl + 1) };
}

function stub(targetFile: string, platform: string, name: string): string {
  const { banner } = splitBanner(targetFile);
  const common = `../${commonFolder(platform)}/${name}`;
  return `${banner}\n// The same on other targets: emitted once, in ${common}.\nexport * from '${common.replace(/\.ts$/, '.js')}';\n`;
}

/** Narrows each file's group to the targets that also share every sibling it imports, until nothing changes. */
function closeOverSiblings(groups: Map<string, string[]>, siblingsOf: (file: string) => string[], minimum: number): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const [file, members] of groups) {
      const kept = members.filter((t) => siblingsOf(file).every((s) => groups.get(s)?.includes(t)));
      if (kept.length === members.length) continue;
      changed = true;
      if (kept.length >= minimum) groups.set(file, kept);
      else groups.delete(file);
    }
  }
}

/**
 * A whole platform was rendered: finds the files to share, turns the members'
 * copies into re-exports, and returns the common folder's files (empty if
 * nothing is shared). `commonBanner` heads each common file.
 */
export function shareIdentical(
  platform: string,
  rendered: RenderedTarget[],
  commonBanner: (inputs: string[]) => string,
): Map<string, string> {
  // By name, so the output does not depend on the order targets were asked for.
  const targets = [...rendered].sort((a, b) => a.result.target.localeCompare(b.result.target));
  const byName = new Map(targets.map((t) => [t.result.target, t]));
  const groups = new Map<string, string[]>();
  const names = [...new Set(targets.flatMap((t) => [...t.shareable.keys()]))].sort();
  for (const name of names) {
    const byBody = new Map<string, string[]>();
    for (const t of targets) {
      if (!t.shareable.has(name)) continue;
      const { body } = splitBanner(t.files.get(name)!);
      byBody.set(body, [...(byBody.get(body) ?? []), t.result.target]);
    }
    // The largest group (ties: the one holding the first target by name) is the common copy.
    const best = [...byBody.values()].sort((a, b) => b.length - a.length || a[0]!.localeCompare(b[0]!))[0];
    if (best && best.length >= 2) groups.set(name, best);
  }
  const siblingsOf = (file: string) => targets.find((t) => t.shareable.has(file))?.shareable.get(file) ?? [];
  closeOverSiblings(groups, siblingsOf, 2);

  const common = new Map<string, string>();
  for (const [name, members] of groups) {
    const first = byName.get(members[0]!)!;
    const inputs = [...new Set(members.flatMap((m) => byName.get(m)!.inputs))];
    const note = `// Shared by ${members.join(', ')}: each of their ${name} re-exports this file.`;
    common.set(name, `// ${commonBanner(inputs)}\n${note}\n${splitBanner(first.files.get(name)!).body}`);
    for (const m of members) {
      const t = byName.get(m)!;
      t.files.set(name, stub(t.files.get(name)!, platform, name));
    }
  }
  return common;
}

/**
 * Only some of a platform's targets were rendered: the common folder stays as
 * it is, and a rendered file becomes a re-export where the common copy already
 * says exactly the same (with all its siblings).
 */
export function stubAgainstExisting(platform: string, target: RenderedTarget, generatedDir: string): void {
  const dir = join(generatedDir, commonFolder(platform));
  const same = new Map<string, string[]>();
  for (const name of target.shareable.keys()) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    // The common copy's first two lines are its banner and its "shared by" note.
    const commonBody = readFileSync(file, 'utf8').split('\n').slice(2).join('\n');
    if (commonBody === splitBanner(target.files.get(name)!).body) same.set(name, [target.result.target]);
  }
  closeOverSiblings(same, (f) => target.shareable.get(f) ?? [], 1);
  for (const name of same.keys()) target.files.set(name, stub(target.files.get(name)!, platform, name));
}
