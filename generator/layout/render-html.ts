/**
 * The page of `sysbind layout --html`: the picture (render-svg) and the plain
 * side-by-side table (render-table) of one record, in one self-contained file.
 */
import type { RecordTitle, TargetLayout } from './layout-compare.js';
import { renderLayoutSvg } from './render-svg.js';
import { renderLayoutTable } from './render-table.js';
import { escapeXml } from './svg-elements.js';

export function renderLayoutHtml(title: RecordTitle, layouts: readonly TargetLayout[]): string {
  const table = renderLayoutTable(title, layouts, { color: false });
  const heading = `${title.name} on ${layouts.map((l) => l.target).join(', ')}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<meta charset="utf-8">',
    `<title>${escapeXml(heading)}</title>`,
    '<style>body { font-family: sans-serif; margin: 24px; } svg { max-width: 100%; height: auto; } pre { font-size: 13px; }</style>',
    `<h1>${escapeXml(heading)}</h1>`,
    renderLayoutSvg(title, layouts),
    `<pre>${escapeXml(table)}</pre>`,
    '</html>',
    '',
  ].join('\n');
}
