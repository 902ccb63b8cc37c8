/**
 * The picture of `sysbind layout --svg`: one record on several targets, a band
 * of boxes per target on a shared byte scale, so the same offset sits at the
 * same x on every target. Each member is a box as wide as its bytes, labelled
 * with its name, offset and size (and type where it fits); holes and tail
 * padding are hatched; a member whose offset or size differs from most
 * targets has a red outline. Bands wrap every `bytesPerLine` bytes. Members
 * that overlap (union members) go in lanes below each other.
 *
 * Every box is a <g> with data-target, data-key, data-kind, data-offset and
 * data-size (bytes; data-bit-offset and data-bits for bitfields and gaps that
 * are not whole bytes), so tests and tools can read the numbers back.
 */
import { compareLayouts, type ComparedRow, type TargetLayout } from './layout-compare.js';
import { describeBits, type LayoutRow, type LayoutView, type MemberRow } from './layout-view.js';
import type { RecordTitle } from './render-table.js';

const FONT = 'DejaVu Sans Mono, Menlo, Consolas, monospace';
/** Width of a monospace character per pixel of font size. */
const CHAR = 0.6;
const AREA = 1152;
const LEFT = 64;
const RIGHT = 24;
const BOX = 46;
const LINE_GAP = 8;
const BAND_TITLE = 30;
const BAND_GAP = 22;
const HEAD = 92;

export function renderLayoutSvg(title: RecordTitle, layouts: readonly TargetLayout[]): string {
  const rows = compareLayouts(layouts);
  const maxSize = Math.max(1, ...layouts.map((l) => l.view?.size ?? 0));
  const perLine = bytesPerLine(maxSize);
  const scale = AREA / perLine;
  const hues = new Map(rows.map((r, i) => [r.key, (i * 137.508) % 360]));

  const out: string[] = [];
  let y = HEAD;
  layouts.forEach((l, t) => {
    const band = l.view ? drawBand(l.target, l.view, rows, t, { y, perLine, scale, hues }) : drawMissing(l.target, title.name, y);
    out.push(band.svg);
    y += band.height + BAND_GAP;
  });
  const width = LEFT + AREA + RIGHT;
  const height = y;
  const grid = drawGrid(perLine, scale, HEAD - 14, height - BAND_GAP);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    DEFS,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(LEFT, 28, `${title.name}: ${title.cname ?? 'no C declaration'} (<${title.header}>)`, { size: 18, weight: 'bold' }),
    drawLegend(LEFT, 52),
    grid,
    ...out,
    '</svg>',
  ].join('\n');
}

/** Bytes per line: a power of two from 8 to 64, the smallest that fits the largest variant in five lines. */
function bytesPerLine(maxSize: number): number {
  let n = 8;
  while (n < 64 && Math.ceil(maxSize / n) > 5) n *= 2;
  return n;
}

interface Frame {
  y: number;
  perLine: number;
  scale: number;
  hues: Map<string, number>;
}

function drawBand(target: string, view: LayoutView, rows: ComparedRow[], t: number, f: Frame): { svg: string; height: number } {
  const lines = Math.max(1, Math.ceil(view.size / f.perLine));
  const lanes = laneOf(view.rows);
  const laneCount = Math.max(1, ...lanes.values()) + 1;
  const lineHeight = laneCount * BOX + LINE_GAP;
  const differs = new Map(rows.map((r) => [r.key, r.differs[t] === true]));
  const out = [`<g class="target" data-target="${target}">`, text(LEFT, f.y + 19, target, { size: 15, weight: 'bold' }), text(LEFT + CHAR * 15 * (target.length + 2), f.y + 19, summary(view), { size: 13, fill: '#444' })];
  for (let k = 0; k < lines; k++) {
    out.push(text(LEFT - 8, f.y + BAND_TITLE + k * lineHeight + 17, `+${k * f.perLine}`, { size: 11, fill: '#777', anchor: 'end' }));
  }
  for (const row of view.rows) {
    const start = row.startBit / 8;
    const end = row.kind === 'member' ? row.endBit / 8 : (row.startBit + row.bits) / 8;
    const lane = row.kind === 'member' ? (lanes.get(row) ?? 0) : 0;
    const style = boxStyle(row, f.hues, differs.get(row.key) === true);
    const segments = splitByLine(start, end, f.perLine).map((s) => ({
      x: LEFT + (s.from - s.line * f.perLine) * f.scale,
      y: f.y + BAND_TITLE + s.line * lineHeight + lane * BOX,
      w: (s.to - s.from) * f.scale,
    }));
    out.push(`<g ${dataAttributes(target, row)}>`, `<title>${escape(tooltip(row))}</title>`);
    for (const s of segments) out.push(rect(s.x, s.y, s.w, BOX, style));
    const widest = segments.reduce((a, b) => (b.w > a.w ? b : a), segments[0]!);
    if (!(row.kind === 'member' && row.record?.expanded)) out.push(...label(row, widest));
    out.push('</g>');
  }
  return { svg: [...out, '</g>'].join('\n'), height: BAND_TITLE + lines * lineHeight - LINE_GAP };
}

function drawMissing(target: string, record: string, y: number): { svg: string; height: number } {
  return {
    svg: [
      `<g class="target" data-target="${target}" data-variant="none">`,
      text(LEFT, y + 19, target, { size: 15, weight: 'bold' }),
      rect(LEFT, y + BAND_TITLE, AREA, BOX, { fill: '#fafafa', stroke: '#999', dash: true }),
      text(LEFT + AREA / 2, y + BAND_TITLE + 28, `no variant of ${record} for ${target}`, { size: 14, fill: '#666', anchor: 'middle' }),
      '</g>',
    ].join('\n'),
    height: BAND_TITLE + BOX,
  };
}

function summary(view: LayoutView): string {
  const holes = view.holes.count === 0 ? 'no holes' : `${view.holes.count} hole${view.holes.count === 1 ? '' : 's'} (${describeBits(view.holes.bits)})`;
  const padding = view.paddingBits === 0 ? 'no tail padding' : `${describeBits(view.paddingBits)} tail padding`;
  return `${view.size} bytes, align ${view.align}, ${holes}, ${padding}`;
}

/** Lanes for overlapping members (union members): each member goes in the first lane free at its start. */
function laneOf(rows: readonly LayoutRow[]): Map<MemberRow, number> {
  const lanes = new Map<MemberRow, number>();
  const laneEnds: number[] = [];
  for (const row of rows) {
    if (row.kind !== 'member' || row.record?.expanded) continue;
    let lane = laneEnds.findIndex((end) => end <= row.startBit);
    if (lane < 0) lane = laneEnds.length;
    laneEnds[lane] = Math.max(row.endBit, row.startBit + 1);
    lanes.set(row, lane);
  }
  return lanes;
}

function splitByLine(from: number, to: number, perLine: number): { line: number; from: number; to: number }[] {
  const line = Math.floor(from / perLine);
  if (to <= from) return [{ line, from, to: from }];
  const segments = [];
  for (let l = line; l * perLine < to; l++) segments.push({ line: l, from: Math.max(from, l * perLine), to: Math.min(to, (l + 1) * perLine) });
  return segments;
}

interface Style {
  fill: string;
  stroke: string;
  strokeWidth?: number;
  dash?: boolean;
}

function boxStyle(row: LayoutRow, hues: Map<string, number>, differs: boolean): Style {
  const red = { stroke: '#d01c1c', strokeWidth: 3 };
  if (row.kind === 'hole') return { fill: 'url(#hole)', stroke: '#888', ...(differs ? red : {}) };
  if (row.kind === 'padding') return { fill: 'url(#padding)', stroke: '#666', ...(differs ? red : {}) };
  if (row.record?.expanded) return { fill: 'none', stroke: '#1f3c88', strokeWidth: 2.5 };
  if (row.size === 0) return { fill: '#333', stroke: '#333' };
  return { fill: `hsl(${Math.round(hues.get(row.key) ?? 0)}, 65%, 86%)`, stroke: '#555', ...(differs ? red : {}) };
}

/** The box's text: the longest of a few forms that fits its width. */
function label(row: LayoutRow, box: { x: number; y: number; w: number }): string[] {
  const fits = (s: string, size: number) => s.length * CHAR * size <= box.w - 8;
  const cx = box.x + box.w / 2;
  if (row.kind !== 'member') {
    const amount = describeBits(row.bits).replace(/ bytes?$/, '');
    const word = row.kind === 'hole' ? 'hole' : 'padding';
    const choice = [`${word} ${describeBits(row.bits)}`, `${word} ${amount}`, amount].find((s) => fits(s, 11));
    return choice ? [text(cx, box.y + BOX / 2 + 4, choice, { size: 11, fill: '#333', anchor: 'middle', halo: true })] : [];
  }
  const name = row.path.slice(row.path.lastIndexOf('.') + 1);
  const where = row.bits === undefined ? `@${row.offset} ${row.size}B` : `@${Math.floor(row.startBit / 8)}:${row.startBit % 8} ${row.bits.width}b`;
  const nameSize = [13, 11, 9].find((s) => fits(name, s));
  const out: string[] = [];
  if (nameSize !== undefined) out.push(text(cx, box.y + 18, name, { size: nameSize, weight: 'bold', anchor: 'middle' }));
  else if (fits(`${name.slice(0, 3)}…`, 9)) out.push(text(cx, box.y + 18, truncate(name, Math.floor((box.w - 8) / (CHAR * 9))), { size: 9, weight: 'bold', anchor: 'middle' }));
  const detail = [`${where} ${row.type}`, where, `@${row.offset}`].find((s) => fits(s, 10));
  if (detail) out.push(text(cx, box.y + 35, detail, { size: 10, fill: '#333', anchor: 'middle' }));
  return out;
}

function truncate(s: string, chars: number): string {
  return s.length <= chars ? s : `${s.slice(0, Math.max(1, chars - 1))}…`;
}

function tooltip(row: LayoutRow): string {
  if (row.kind !== 'member') return `${row.kind}: ${describeBits(row.bits)} at byte ${row.startBit / 8}`;
  const bits = row.bits ? `, bits ${row.bits.offset}..${row.bits.offset + row.bits.width - 1} of the unit` : '';
  return `${row.path}: ${row.type}, offset ${row.offset}, size ${row.size}${bits}`;
}

function dataAttributes(target: string, row: LayoutRow): string {
  const attrs: [string, string | number][] = [['class', row.kind], ['data-target', target], ['data-key', row.key]];
  if (row.kind === 'member') {
    attrs.push(['data-offset', row.offset], ['data-size', row.size]);
    if (row.bits) attrs.push(['data-bit-offset', row.bits.offset], ['data-bits', row.bits.width]);
  } else {
    attrs.push(['data-offset', row.startBit / 8], ['data-size', row.bits / 8]);
  }
  return attrs.map(([k, v]) => `${k}="${escape(String(v))}"`).join(' ');
}

function drawGrid(perLine: number, scale: number, top: number, bottom: number): string {
  const out: string[] = [];
  const step = perLine <= 16 ? 1 : perLine <= 32 ? 4 : 8;
  for (let b = 0; b <= perLine; b += step) {
    const x = LEFT + b * scale;
    const word = b % 8 === 0;
    out.push(`<line x1="${x}" y1="${top + 4}" x2="${x}" y2="${bottom}" stroke="${word ? '#c8c8c8' : '#ececec'}" stroke-width="1"/>`);
    if (word || step === 1) out.push(text(x, top, String(b), { size: 11, fill: '#777', anchor: 'middle' }));
  }
  return out.join('\n');
}

function drawLegend(x: number, y: number): string {
  const items: [Style, string][] = [
    [{ fill: 'hsl(200, 65%, 86%)', stroke: '#555' }, 'member (name, @offset size, type)'],
    [{ fill: 'hsl(40, 65%, 86%)', stroke: '#d01c1c', strokeWidth: 3 }, 'offset or size differs between targets'],
    [{ fill: 'url(#hole)', stroke: '#888' }, 'hole'],
    [{ fill: 'url(#padding)', stroke: '#666' }, 'tail padding'],
  ];
  const out: string[] = [];
  let at = x;
  for (const [style, words] of items) {
    out.push(rect(at, y, 26, 16, style), text(at + 33, y + 12, words, { size: 12, fill: '#333' }));
    at += 33 + words.length * CHAR * 12 + 26;
  }
  return out.join('\n');
}

const DEFS = [
  '<defs>',
  '<pattern id="hole" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">',
  '<rect width="8" height="8" fill="#f1f1f1"/><line x1="0" y1="0" x2="0" y2="8" stroke="#b5b5b5" stroke-width="3"/>',
  '</pattern>',
  '<pattern id="padding" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">',
  '<rect width="8" height="8" fill="#dedede"/><line x1="0" y1="0" x2="0" y2="8" stroke="#8a8a8a" stroke-width="3"/>',
  '</pattern>',
  '</defs>',
].join('\n');

function rect(x: number, y: number, w: number, h: number, s: Style): string {
  const dash = s.dash ? ' stroke-dasharray="6 4"' : '';
  return `<rect x="${r(x)}" y="${r(y)}" width="${r(Math.max(w, 3))}" height="${h}" rx="3" fill="${s.fill}" stroke="${s.stroke}" stroke-width="${s.strokeWidth ?? 1}"${dash}/>`;
}

interface TextStyle {
  size: number;
  weight?: 'bold';
  fill?: string;
  anchor?: 'start' | 'middle' | 'end';
  /** A white outline behind the glyphs, to stay readable over hatching. */
  halo?: boolean;
}

function text(x: number, y: number, s: string, t: TextStyle): string {
  const attrs = [`x="${r(x)}"`, `y="${r(y)}"`, `font-size="${t.size}"`];
  if (t.weight) attrs.push(`font-weight="${t.weight}"`);
  if (t.fill) attrs.push(`fill="${t.fill}"`);
  if (t.anchor && t.anchor !== 'start') attrs.push(`text-anchor="${t.anchor}"`);
  if (t.halo) attrs.push('stroke="#ffffff" stroke-width="3" paint-order="stroke"');
  return `<text ${attrs.join(' ')}>${escape(s)}</text>`;
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
