/**
 * The audit's checks identical on several targets of a platform are emitted
 * once, as golang/sys's mkmerge merges declarations: for each part (by
 * title), the items every target with that part holds go to
 * generated/<platform>-common/audit-shared.h, a section per part, and each
 * target's audit.c includes its part's section where they were. What each
 * part compiles is unchanged; only where the text lives is.
 *
 * The runner (audit/run-audit.ts) compiles the model, not these files; the
 * split is for whoever compiles audit.c by hand, and for the size of generated/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAuditC, sharedAuditSection, sharedSectionMacro, type SharedAuditItems } from '../emit/audit-c.js';
import type { RenderedTarget } from './rendered.js';
import { commonFolder } from './shared-files.js';

export const SHARED_AUDIT = 'audit-shared.h';

function includePath(platform: string): string {
  return `../${commonFolder(platform)}/${SHARED_AUDIT}`;
}

function rewrite(t: RenderedTarget, shared: SharedAuditItems): void {
  t.files.set('audit.c', renderAuditC(t.audit.program, t.audit.banner, shared));
}

/**
 * A whole platform was rendered: moves the items shared by every target with
 * the same part into the common file and rewrites each audit.c to include it.
 * Returns the common file's text, or null when nothing is shared.
 */
export function shareAuditItems(platform: string, rendered: RenderedTarget[], commonBanner: (inputs: string[]) => string): string | null {
  const targets = [...rendered].sort((a, b) => a.result.target.localeCompare(b.result.target));
  const titles = [...new Set(targets.flatMap((t) => t.audit.program.parts.map((p) => p.title)))];
  const macros = new Map<string, string>();
  const sections = new Map<string, string[]>();
  for (const title of titles) {
    const macro = sharedSectionMacro(title);
    if (macros.has(macro)) throw new Error(`audit parts "${macros.get(macro)}" and "${title}" would share the section macro ${macro}`);
    macros.set(macro, title);
    const holders = targets.map((t) => t.audit.program.parts.find((p) => p.title === title)).filter((p) => p !== undefined);
    if (holders.length < 2) continue;
    const others = holders.slice(1).map((p) => new Set(p.items));
    const common = [...new Set(holders[0]!.items)].filter((item) => others.every((s) => s.has(item)));
    if (common.length > 0) sections.set(title, common);
  }
  if (sections.size === 0) return null;
  const members = targets.filter((t) => t.audit.program.parts.some((p) => sections.has(p.title)));
  for (const t of members) {
    const mine = new Map([...sections].filter(([title]) => t.audit.program.parts.some((p) => p.title === title)).map(([title, items]): [string, Set<string>] => [title, new Set(items)]));
    rewrite(t, { include: includePath(platform), sections: mine });
  }
  const inputs = [...new Set(members.flatMap((t) => t.inputs))];
  const names = members.map((t) => t.result.target).join(', ');
  return [
    `// ${commonBanner(inputs)}`,
    `// Shared by ${names}: the audit checks identical on each of them, a section per part; each one's audit.c includes its parts' sections.`,
    ...[...sections].flatMap(([title, items]) => sharedAuditSection(title, items)),
  ].join('\n') + '\n';
}

/**
 * Only some of a platform's targets were rendered: the common file stays as it
 * is, and a part of this target uses its section where the section is exactly
 * some of the part's items, in their order.
 */
export function auditAgainstExisting(platform: string, target: RenderedTarget, generatedDir: string): void {
  const file = join(generatedDir, commonFolder(platform), SHARED_AUDIT);
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  const sections = new Map<string, Set<string>>();
  for (const part of target.audit.program.parts) {
    const [head, ...rest] = sharedAuditSection(part.title, []);
    const start = text.indexOf(`\n${head}\n`);
    const end = text.indexOf(`\n${rest.at(-1)}\n`, start + 1);
    if (start < 0 || end < 0) continue;
    const matched = itemsSpelling(part.items, text.slice(start + head!.length + 2, end));
    if (matched) sections.set(part.title, matched);
  }
  if (sections.size > 0) rewrite(target, { include: includePath(platform), sections });
}

/** The items whose lines, in order, make up `section` exactly (null if they do not). */
function itemsSpelling(items: string[], section: string): Set<string> | null {
  const matched = new Set<string>();
  let at = 0;
  for (const item of items) {
    if (at > section.length) break;
    const next = at + item.length;
    if (section.startsWith(item, at) && (next === section.length || section[next] === '\n')) {
      matched.add(item);
      at = next + 1;
    }
  }
  return matched.size > 0 && at === section.length + 1 ? matched : null;
}
