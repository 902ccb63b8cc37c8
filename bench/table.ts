/**
 * A table rendered two ways: aligned plain text for the terminal and a
 * Markdown pipe table for results.md.
 */
export interface Table {
  headers: string[];
  rows: string[][];
  /** One letter per column: 'l' text (left-aligned), 'r' numbers (right-aligned). */
  align: string;
}

export function toText(t: Table): string {
  const widths = t.headers.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (t.align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(t.headers), widths.map((w) => '─'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
}

export function toMarkdown(t: Table): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const align = t.headers.map((_, i) => (t.align[i] === 'r' ? '---:' : '---'));
  return [t.headers, align, ...t.rows].map((r) => `| ${r.map(esc).join(' | ')} |`).join('\n');
}

/** Nanoseconds for a table cell: one decimal below 100, whole numbers above. */
export function ns(x: number | null): string {
  if (x === null) return '—';
  return Math.abs(x) < 100 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US');
}

export function ratio(x: number | null): string {
  return x === null ? '—' : `${x.toFixed(2)}×`;
}
