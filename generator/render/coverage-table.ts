/**
 * The coverage tables `sysbind generate` prints and the README shows: per Linux
 * target, how the syscalls its kernel implements are bound; per Windows target,
 * how the functions of the selection's DLLs are.
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
  return markdownTable(head, rows);
}

export function functionCoverageTable(results: readonly GenerateResult[]): string[] {
  const withCoverage = results.filter((r) => r.functionCoverage);
  const categories = [...new Set(withCoverage.flatMap((r) => Object.keys(r.functionCoverage!.refused)))].sort(
    (a, b) => (withCoverage[0]!.functionCoverage!.refused[b] ?? 0) - (withCoverage[0]!.functionCoverage!.refused[a] ?? 0) || a.localeCompare(b),
  );
  const rows = withCoverage.map((r) => {
    const c = r.functionCoverage!;
    const bound = c.fromAttributes + c.withConventions;
    const refused = Object.values(c.refused).reduce((a, b) => a + b, 0);
    return [
      r.target,
      String(c.inMetadata),
      `${bound} (${((100 * bound) / c.inMetadata).toFixed(1)}%)`,
      `${c.fromAttributes} (${c.failureUnstated}) / ${c.withConventions}`,
      String(c.ansiTwins),
      String(refused),
      categories.map((k) => `${c.refused[k] ?? 0} ${k}`).join(', '),
    ];
  });
  if (rows.length === 0) return [];
  const head = ['target', 'in the metadata', 'bound', 'from attributes (failure unstated) / with conventions', 'ANSI twins', 'refused', 'refused by reason'];
  return markdownTable(head, rows);
}

function markdownTable(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}
