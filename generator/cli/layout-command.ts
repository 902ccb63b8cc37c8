/**
 * `sysbind layout <struct>`: one record (of specs/linux/types or
 * specs/win32/types.json) on several targets of its platform side by side, as a terminal table (pahole-like: offsets, sizes,
 * holes, padding, totals) and, on request, as an SVG picture or HTML page.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SysbindError } from '../errors.js';
import type { RecordTitle, TargetLayout } from '../layout/layout-compare.js';
import { layoutView } from '../layout/layout-view.js';
import { renderLayoutHtml } from '../layout/render-html.js';
import { renderLayoutSvg } from '../layout/render-svg.js';
import { renderLayoutTable } from '../layout/render-table.js';
import { recordSources } from '../layout/record-sources.js';
import { abiOf, loadTargets } from '../spec/targets.js';
import type { Command } from './commands.js';

export const layoutCommand: Command = {
  summary: "show a struct's layout per target side by side (offsets, holes, padding), or draw it",
  help: [
    'usage: sysbind layout <struct> [--targets a,b,c] [--expand] [--svg FILE] [--html FILE]',
    '',
    '  <struct>       a record of specs/linux/types (stat, epoll_event, ...) or of',
    '                 specs/win32/types.json (OVERLAPPED, WIN32_FIND_DATAW, ...), by its spec name',
    '  --targets T    targets of one platform to compare (comma-separated or repeated); default:',
    '                 every target of the record\'s platform a variant of it applies to',
    '  --expand       show the members of nested structs instead of one row per nested struct',
    '  --svg FILE     also draw the layouts: a band of boxes per target, holes and padding hatched',
    '  --html FILE    also write an HTML page with the picture and the table',
    '',
    'Rows are field paths as `sysbind audit` names them after `<struct>.`. Cells that differ from',
    'most targets are marked `*` (and shown in red on a terminal; set NO_COLOR to turn that off).',
  ].join('\n'),
  options: { targets: { type: 'string', multiple: true }, expand: { type: 'boolean' }, svg: { type: 'string' }, html: { type: 'string' } },
  async run(values, positionals, ctx) {
    const [name, ...extra] = positionals;
    if (name === undefined || extra.length > 0) throw new SysbindError(`give exactly one struct name (got ${positionals.length})`);
    const specsDir = join(ctx.root, 'specs');
    const matrix = loadTargets(specsDir);
    const requested = targetList(values.targets).map((t) => matrix.get(t));
    const platforms = [...new Set(requested.map((t) => t.platform))];
    if (platforms.length > 1) throw new SysbindError(`--targets mixes platforms (${requested.map((t) => t.name).join(', ')}): a record is one platform's`);
    // The platform the targets name; without --targets, the first whose specs declare the record.
    const sources = recordSources(specsDir).filter((s) => platforms.length === 0 || s.platform === platforms[0]);
    const source = sources.find((s) => s.title(name) !== undefined);
    if (!source) {
      const known = sources.map((s) => `${s.where} (known: ${s.names().join(', ')})`).join('; ');
      throw new SysbindError(`no record '${name}' in ${known}`);
    }
    const targets = requested.length > 0 ? requested : matrix.targets.filter((t) => t.platform === source.platform);
    const all: TargetLayout[] = targets.map((target) => {
      const decl = source.declFor(name, target);
      return { target: target.name, view: decl ? layoutView(decl, abiOf(target), { expand: values.expand === true }) : null };
    });
    // By default only targets with a variant get a column; the others are named below the table.
    const shown = requested.length > 0 ? all : all.filter((l) => l.view !== null);
    const missing = all.filter((l) => l.view === null).map((l) => l.target);
    if (shown.length === 0) throw new SysbindError(`no variant of '${name}' applies to ${missing.join(', ')}`);

    const title: RecordTitle = source.title(name)!;
    const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
    console.log(renderLayoutTable(title, shown, { color }));
    if (missing.length > 0) console.log(`no variant of ${name} for ${missing.join(', ')}`);
    for (const [file, render] of [
      [values.svg, renderLayoutSvg],
      [values.html, renderLayoutHtml],
    ] as const) {
      if (typeof file !== 'string') continue;
      writeFileSync(file, render(title, shown));
      console.log(`wrote ${file}`);
    }
    return 0;
  },
};

function targetList(v: unknown): string[] {
  const items = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return items.flatMap((x) => String(x).split(',')).map((x) => x.trim()).filter(Boolean);
}
