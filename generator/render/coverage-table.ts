/**
 * The coverage table `sysbind generate` prints and the README shows: per Linux
 * target, how the syscalls its kernel implements are bound.
 */
import type { GenerateResult } from './rendered.js';

export function coverageTable(results: readonly GenerateResult[]): string[] {
  const rows = results.filter((r) => r.coverage).map((r) => {
    const c = r.coverage!;
    const safe = c.safe.curated + c.safe.derived + c.safe.integers;
    const pct = c.implemented === 0 ? 0 : (100 * safe) / c.implemented;
    return [
      r.target,
      String(c.implemented),
      `${safe} (${pct.toFixed(1)}%)`,
      `${c.safe.curated} / ${c.safe.derived} / ${c.safe.integers}`,
      `${c.unsafe.danger + c.unsafe.undescribed} (${c.unsafe.danger} / ${c.unsafe.undescribed})`,
      `${c.unbound.refused} / ${c.unbound.skipped} / ${c.unbound.notExpressible}`,
    ];
  });
  if (rows.length === 0) return [];
  const head = ['target', 'implemented', 'safe typed', 'semantics.yaml / derived / integers', 'unsafe_ only (danger.yaml / pointer undescribed)', 'unbound (refused / skipped / not expressible)'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}
