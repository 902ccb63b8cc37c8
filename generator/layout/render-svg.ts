/**
 * The picture of `sysbind layout --svg`: one record on several targets, a band
 * of boxes per target on a shared byte scale, so the same offset sits at the
 * same x on every target. Each member is a box as wide as its bytes, labelled
 * with its name, offset and size (and type where it fits); holes and tail
 * padding are hatched; a member whose offset or size differs from most
 * targets has a red outline. Bands wrap every `bytesPerLine` bytes. Members
 * that overlap (union members) go in lanes below each other.
 *
 * Numbers are also in attributes, so tests and tools can read them back: each
 * target's band is a <g class="target"> with data-target, data-size and
 * data-align; each box a <g class="member|hole|padding"> with data-key, and
 * data-start-bit and data-bits (the bits it covers, in memory order); members
 * also have data-offset and data-size as C's offsetof and sizeof give them
 * (a bitfield's: its storage unit's), and data-expanded when their own
 * members are drawn below them.
 */
import { compareLayouts, type ComparedRow, type RecordTitle, type TargetLayout } from './layout-compare.js';
import { describeBits, type LayoutRow, type LayoutView, type MemberRow } from './layout-view.js';
import { CHAR_WIDTH, escapeXml, rect, text, type Box, type Style } from './svg-elements.js';

const FONT = 'DejaVu Sans Mono, Menlo, Consolas, monospace';
const AREA = 1152;
const LEFT = 64;
const RIGHT = 24;
const BOX = 46;
/** Height of the strip naming an expanded nested record above its members. */
const STRIP = 20;
const LINE_GAP = 8;
const BAND_TITLE = 30;
const BAND_GAP = 22;
const HEAD = 104;

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
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(LEFT, 28, `${title.name}: ${title.cname ?? 'no C declaration'} (<${title.header}>)`, { size: 18, weight: 'bold' }),
    drawLegend(LEFT, 52),
    grid,
    ...out,
    '</svg>',
  ].join('\n');
}

/**
 * Bytes per line: a power of two from 16 to 64, as wide as the largest variant
 * up to 32 bytes (so labels stay legible), and 64 where 32 would take more
 * than eight lines.
 */
function bytesPerLine(maxSize: number): number {
  let n = 16;
  while (n < 32 && n < maxSize) n *= 2;
  return Math.ceil(maxSize / n) > 8 ? 64 : n;
}

interface Frame {
  y: number;
  perLine: number;
  scale: number;
  hues: Map<string, number>;
}


/**
 * One target's band. Each line stacks, top to bottom: a strip per nesting
 * level for expanded nested records (their name spans their members), then
 * one lane of boxes per set of overlapping members. A member or gap at depth
 * d starts at strip d and reaches down to the first lane's bottom.
 */
function drawBand(target: string, view: LayoutView, rows: ComparedRow[], t: number, f: Frame): { svg: string; height: number } {
  const lanes = laneOf(view.rows);
  const levels = Math.max(0, ...view.rows.filter(isContainer).map((r) => r.depth + 1));
  const pieces = view.rows.map((row) => ({ row, lane: row.kind === 'member' ? (lanes.get(row) ?? 0) : 0, segments: splitByLine(row.startBit / 8, endBit(row) / 8, f.perLine) }));
  // Each line is as tall as the lanes its members need.
  const lineCount = Math.max(1, Math.ceil(view.size / f.perLine));
  const laneCounts = Array.from({ length: lineCount }, (_, k) => 1 + Math.max(0, ...pieces.filter((p) => p.segments.some((s) => s.line === k)).map((p) => p.lane)));
  const lineTops = laneCounts.map((_, k) => f.y + BAND_TITLE + laneCounts.slice(0, k).reduce((a, n) => a + levels * STRIP + n * BOX + LINE_GAP, 0));
  const differs = new Map(rows.map((r) => [r.key, r.differs[t] === true]));
  const out = [
    `<g class="target" data-target="${target}" data-size="${view.size}" data-align="${view.align}">`,
    text(LEFT, f.y + 19, target, { size: 15, weight: 'bold' }),
    text(LEFT + CHAR_WIDTH * 15 * (target.length + 2), f.y + 19, summary(view), { size: 13, fill: '#444' }),
    ...lineTops.map((y, k) => text(LEFT - 8, y + 17, `+${k * f.perLine}`, { size: 11, fill: '#777', anchor: 'end' })),
  ];
  const vertical = (row: LayoutRow, lane: number): { y: number; h: number } => {
    if (isContainer(row)) return { y: row.depth * STRIP, h: STRIP };
    return lane === 0 ? { y: row.depth * STRIP, h: (levels - row.depth) * STRIP + BOX } : { y: levels * STRIP + lane * BOX, h: BOX };
  };
  // Flexible array members (no bytes) go last, as markers over whatever follows them.
  const ordered = [...pieces.filter((p) => !isFlexible(p.row)), ...pieces.filter((p) => isFlexible(p.row))];
  for (const { row, lane, segments } of ordered) {
    const { y, h } = vertical(row, lane);
    const boxes = segments.map((s): Box => ({ x: LEFT + (s.from - s.line * f.perLine) * f.scale, y: lineTops[s.line]! + y, w: (s.to - s.from) * f.scale, h }));
    const style = boxStyle(row, f.hues, differs.get(row.key) === true);
    out.push(`<g ${dataAttributes(target, row)}>`, `<title>${escapeXml(tooltip(row))}</title>`);
    for (const b of boxes) out.push(rect(b, style));
    // The widest piece of a member split across lines gets the full label, the others its name.
    const widest = boxes.reduce((a, b) => (b.w > a.w ? b : a), boxes[0]!);
    for (const b of boxes) out.push(...label(row, b, b !== widest));
    out.push('</g>');
  }
  const height = laneCounts.reduce((a, n) => a + levels * STRIP + n * BOX + LINE_GAP, BAND_TITLE - LINE_GAP);
  return { svg: [...out, '</g>'].join('\n'), height };
}

function endBit(row: LayoutRow): number {
  return row.kind === 'member' ? row.endBit : row.startBit + row.bits;
}

/** An expanded nested record: drawn as a strip above its members. */
function isContainer(row: LayoutRow): boolean {
  return row.kind === 'member' && row.record?.expanded === true;
}

function isFlexible(row: LayoutRow): boolean {
  return row.kind === 'member' && row.size === 0;
}

function drawMissing(target: string, record: string, y: number): { svg: string; height: number } {
  return {
    svg: [
      `<g class="target" data-target="${target}" data-variant="none">`,
      text(LEFT, y + 19, target, { size: 15, weight: 'bold' }),
      rect({ x: LEFT, y: y + BAND_TITLE, w: AREA, h: BOX }, { fill: '#fafafa', stroke: '#999', dash: true }),
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

function boxStyle(row: LayoutRow, hues: Map<string, number>, differs: boolean): Style {
  const red = { stroke: '#d01c1c', strokeWidth: 3 };
  if (row.kind !== 'member') return { ...GAP_STYLES[row.kind], ...(differs ? red : {}) };
  const hue = Math.round(hues.get(row.key) ?? 0);
  if (row.record?.expanded) return { fill: `hsl(${hue}, 45%, 72%)`, stroke: '#555', ...(differs ? red : {}) };
  if (row.size === 0) return { fill: '#333', stroke: '#333' };
  return { fill: `hsl(${hue}, 65%, 86%)`, stroke: '#555', ...(differs ? red : {}) };
}

/** The box's text: the longest of a few forms that fits its width (only the name on a continuation). */
function label(row: LayoutRow, box: Box, continuation: boolean): string[] {
  const fits = (s: string, size: number) => s.length * CHAR_WIDTH * size <= box.w - 8;
  const cx = box.x + box.w / 2;
  const mid = box.y + box.h / 2;
  if (row.kind !== 'member') {
    const amount = describeBits(row.bits);
    const word = row.kind === 'hole' ? 'hole' : 'padding';
    const choice = [`${word} ${amount}`, amount.replace(/ bytes?$/, '')].find((s) => fits(s, 11));
    return choice ? [text(cx, mid + 4, choice, { size: 11, fill: '#333', anchor: 'middle', halo: true })] : [];
  }
  const name = row.key.slice(row.key.lastIndexOf('.') + 1);
  const where = row.bits === undefined ? `@${row.offset} ${row.size}B` : `@${Math.floor(row.startBit / 8)}:${row.startBit % 8} ${row.bits.width}b`;
  if (row.size === 0) return [text(box.x + 7, box.y + 13, `${name}[]`, { size: 11, weight: 'bold', halo: true })];
  if (row.record?.expanded) {
    const strip = [`${name} · ${row.type} · ${where}`, `${name} · ${where}`, name].find((s) => fits(s, 11));
    return strip ? [text(box.x + 6, mid + 4, strip, { size: 11, weight: 'bold' })] : [];
  }
  const out: string[] = [];
  const nameSize = [13, 11, 9].find((s) => fits(name, s));
  const shown = nameSize !== undefined ? name : fits(`${name.slice(0, 3)}…`, 9) ? truncate(name, Math.floor((box.w - 8) / (CHAR_WIDTH * 9))) : '';
  if (shown) out.push(text(cx, mid - 3, shown, { size: nameSize ?? 9, weight: 'bold', anchor: 'middle' }));
  const at = where.split(' ')[0]!;
  const detail = continuation ? '(continued)' : [`${where} ${row.type}`, where, at].find((s) => fits(s, 10));
  if (detail && fits(detail, 10)) out.push(text(cx, mid + 13, detail, { size: 10, fill: '#333', anchor: 'middle' }));
  return out;
}

function truncate(s: string, chars: number): string {
  return s.length <= chars ? s : `${s.slice(0, Math.max(1, chars - 1))}…`;
}

function tooltip(row: LayoutRow): string {
  if (row.kind !== 'member') return `${row.kind}: ${describeBits(row.bits)} at byte ${row.startBit / 8}`;
  const bits = row.bits ? `, bits ${row.bits.offset}..${row.bits.offset + row.bits.width - 1} of the unit` : '';
  return `${row.key}: ${row.type}, offset ${row.offset}, size ${row.size}${bits}`;
}

function dataAttributes(target: string, row: LayoutRow): string {
  const attrs: [string, string | number][] = [['class', row.kind], ['data-target', target], ['data-key', row.key]];
  if (row.kind === 'member') {
    attrs.push(['data-offset', row.offset], ['data-size', row.size], ['data-start-bit', row.startBit], ['data-bits', row.endBit - row.startBit]);
    if (row.record?.expanded) attrs.push(['data-expanded', 'true']);
  } else {
    attrs.push(['data-start-bit', row.startBit], ['data-bits', row.bits]);
  }
  return attrs.map(([k, v]) => `${k}="${escapeXml(String(v))}"`).join(' ');
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
    [GAP_STYLES.hole, 'hole'],
    [GAP_STYLES.padding, 'tail padding'],
  ];
  const out: string[] = [];
  let at = x;
  for (const [style, words] of items) {
    out.push(rect({ x: at, y, w: 26, h: 16 }, style), text(at + 33, y + 12, words, { size: 12, fill: '#333' }));
    at += 33 + words.length * CHAR_WIDTH * 12 + 26;
  }
  return out.join('\n');
}

const GAP_STYLES: Record<'hole' | 'padding', Style> = {
  hole: { fill: '#f3f3f3', stroke: '#888', hatch: { color: '#bdbdbd', rising: true } },
  padding: { fill: '#e0e0e0', stroke: '#666', hatch: { color: '#8f8f8f', rising: false } },
};
