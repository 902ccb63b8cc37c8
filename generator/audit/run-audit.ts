/**
 * `sysbind audit`: compiles each part of a target's generated audit.c with the
 * target's real compiler and turns failed assertions into a list of
 * mismatches (what, expected, spec place), and `#pragma message` notes into
 * a list of items the installed headers do not know (newer than the headers).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolchainError } from '../errors.js';
import type { Target } from '../spec/targets.js';
import { loadWin32Headers, win32ClangArgs } from '../spec/win32-specs.js';
import { compileC, compilerFor, evaluateConstants, failedAssertions } from './compile-c.js';

export interface Mismatch {
  kind: string;
  item: string;
  /** What the spec (and the layout engine) say. */
  expected: string;
  /** What the target's compiler says, where it could be asked ('?' otherwise). */
  actual: string;
  place: string;
}

export interface NotInHeaders {
  kind: string;
  item: string;
  expected: string;
  place: string;
}

export interface AuditResult {
  target: string;
  compiler: string;
  parts: number;
  assertions: number;
  mismatches: Mismatch[];
  notInHeaders: NotInHeaders[];
  /** Compiler errors that are not assertions (a missing header, an unknown type): the audit could not judge. */
  errors: string[];
}

const ASSERT = /^sysbind\|([^|]+)\|([^|]+)\|([^|]+)\|([^|]+)\|(.+)$/;
const MISSING = /sysbind\|missing\|([^|]+)\|([^|]+)\|([^|]+)\|([^"\s]+)/;

export async function auditTarget(root: string, target: Target): Promise<AuditResult> {
  const file = join(root, 'generated', target.name, 'audit.c');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ToolchainError(`no audit for ${target.name}: ${file} is missing (run \`sysbind generate --target ${target.name}\`)`);
  }
  const parts = Number(/SYSBIND_PART=N audit\.c\s+\(N = 1\.\.(\d+)\)/.exec(text)?.[1] ?? 0);
  const result: AuditResult = { target: target.name, compiler: '', parts, assertions: countAssertions(text), mismatches: [], notInHeaders: [], errors: [] };
  // Where clang alone would not find a mingw target's headers, headers.yaml says where they are.
  const clangArgs = target.platform === 'win32' ? win32ClangArgs(loadWin32Headers(join(root, 'specs')).data) : [];
  const extraArgs = compilerFor(target).kind === 'clang' ? clangArgs : [];
  // Parts are independent translation units: compile them two at a time (two cores).
  const queue = Array.from({ length: parts }, (_, i) => i + 1);
  const worker = async () => {
    for (let part = queue.shift(); part !== undefined; part = queue.shift()) {
      const r = await compileC({ target, source: text, mode: 'syntax-only', args: [`-DSYSBIND_PART=${part}`, ...extraArgs] });
      result.compiler = `${r.compiler.command} ${r.compiler.args.join(' ')}`.trim();
      const failed = failedAssertions(r.diagnostics).map((m) => ASSERT.exec(m)).filter((m) => m !== null);
      // Ask the compiler what it thinks each failed expression is.
      const actual = failed.length > 0 ? await evaluateConstants(target, partPrelude(text, part), failed.map((m) => m[4]!), extraArgs) : [];
      failed.forEach((m, i) => {
        const v = actual[i];
        result.mismatches.push({ kind: m[1]!, item: m[2]!, expected: m[3]!, actual: v === undefined || Number.isNaN(v) ? '?' : String(v), place: m[5]! });
      });
      for (const d of r.diagnostics) {
        const m = MISSING.exec(d.message);
        if (m) result.notInHeaders.push({ kind: m[1]!, item: m[2]!, expected: m[3]!, place: m[4]! });
        else if (d.severity === 'error' && !d.message.includes('sysbind|')) result.errors.push(`part ${part}: line ${d.line}: ${d.message}`);
      }
      if (!r.ok && r.diagnostics.length === 0) result.errors.push(`part ${part}: ${r.stderr.trim()}`);
    }
  };
  await Promise.all([worker(), worker()]);
  const order = (x: { place: string; item: string }, y: { place: string; item: string }) => x.place.localeCompare(y.place) || x.item.localeCompare(y.item);
  result.mismatches.sort(order);
  result.notInHeaders.sort(order);
  return result;
}

/** `_Static_assert`s, counting each use of a macro that expands to one as one assertion. */
function countAssertions(text: string): number {
  const macros = [...text.matchAll(/^#define (\w+)\(.*_Static_assert\(/gm)].map((m) => m[1]!);
  const uses = macros.length > 0 ? (text.match(new RegExp(`^(${macros.join('|')})\\(`, 'gm')) ?? []).length : 0;
  return (text.match(/^_Static_assert\(/gm) ?? []).length + uses;
}

/** The #define and #include lines that open a part: enough to evaluate its expressions. */
function partPrelude(text: string, part: number): string {
  const start = text.indexOf(`#if SYSBIND_PART == ${part} `);
  const lines = text.slice(start).split('\n').slice(1);
  const includes = lines.slice(0, lines.findIndex((l) => !l.startsWith('#include')));
  return ['#define _GNU_SOURCE 1', ...includes].join('\n');
}

/** A terminal table of an audit's findings. */
export function formatAudit(r: AuditResult): string {
  const lines = [`${r.target}: ${r.assertions} assertions in ${r.parts} parts, compiled with ${r.compiler}`];
  if (r.mismatches.length === 0 && r.errors.length === 0) lines.push(`  clean: every number, constant and layout matches the headers`);
  if (r.mismatches.length > 0) {
    lines.push(`  ${r.mismatches.length} mismatch${r.mismatches.length === 1 ? '' : 'es'}:`);
    const rows = [['what', 'item', 'expected (spec)', 'actual (compiler)', 'spec'], ...r.mismatches.map((m) => [m.kind, m.item, m.expected, m.actual, m.place])];
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    for (const row of rows) lines.push(`    ${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}`.trimEnd());
    const records = [...new Set(r.mismatches.filter((m) => ['size', 'align', 'offset', 'fieldsize'].includes(m.kind)).map((m) => m.item.split('.')[0]!))];
    for (const name of records) lines.push(`  see: sysbind layout ${name} --targets ${r.target}`);
  }
  if (r.notInHeaders.length > 0) {
    lines.push(`  ${r.notInHeaders.length} not in the installed headers (newer than them, not checked): ${r.notInHeaders.map((n) => n.item).join(', ')}`);
  }
  for (const e of r.errors) lines.push(`  error: ${e}`);
  return lines.join('\n');
}
