/**
 * The matrix as people read it: an aligned terminal table, and Markdown (a
 * table plus each step's detail) for a file or the README.
 */
import type { Matrix, MatrixRow, Step, TestCounts } from './matrix.js';

const STEPS = ['generated', 'audit', 'built', 'ran'] as const;
const MARK = { ok: '✓', failed: '✗', skipped: '–' } as const;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const cell = (s: Step) => (s.status === 'skipped' ? MARK.skipped : `${MARK[s.status]} ${seconds(s.ms)}`);

function counts(t: TestCounts | null): string {
  if (!t) return MARK.skipped;
  const extra = [t.notPortable ? `${t.notPortable} not portable` : '', t.skipped ? `${t.skipped} skipped` : ''].filter(Boolean);
  return `${t.passed} passed, ${t.failed} failed${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

const cells = (r: MatrixRow) => [r.target, ...STEPS.map((s) => cell(r[s])), counts(r.tests)];
const HEADER = ['target', 'generated', 'audit', 'built', 'ran', 'tests'];

export function matrixFailed(m: Matrix): boolean {
  return m.rows.some((r) => STEPS.some((s) => r[s].status === 'failed'));
}

export function renderTerminal(m: Matrix): string {
  const rows = [HEADER, ...m.rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join('  ').trimEnd();
  const details = m.rows.flatMap((r) => STEPS.map((s) => `  ${r.target} ${s}: ${r[s].detail}`));
  return [line(rows[0]!), ...rows.slice(1).map(line), '', ...details, '', `suite compiled in ${seconds(m.compileMs)}; matrix took ${seconds(m.totalMs)}`].join('\n');
}

export function renderMarkdown(m: Matrix, meta: { command: string; date: string }): string {
  const row = (r: string[]) => `| ${r.join(' | ')} |`;
  return [
    `# Target matrix`,
    '',
    `Made by \`${meta.command}\` on ${meta.date}; each cell is the step's result and time (✓ ok, ✗ failed, – did not apply).`,
    '',
    row(HEADER),
    row(HEADER.map(() => '---')),
    ...m.rows.map((r) => row(cells(r))),
    '',
    `Suite compiled to JS once in ${seconds(m.compileMs)}; the whole matrix took ${seconds(m.totalMs)}.`,
    '',
    '## Steps',
    '',
    ...m.rows.flatMap((r) => [`### ${r.target}`, '', ...STEPS.map((s) => `- **${s}** (${r[s].status}, ${seconds(r[s].ms)}): ${r[s].detail}`), '']),
  ].join('\n');
}
