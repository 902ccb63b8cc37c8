/**
 * The few SVG elements the layout pictures are drawn with: rounded boxes
 * (optionally hatched) and text, coordinates rounded to a tenth of a pixel,
 * text escaped. Hatching is drawn as plain line segments rather than an SVG
 * <pattern>, which simpler renderers (ImageMagick's own) paint solid black.
 */

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Style {
  fill: string;
  stroke: string;
  strokeWidth?: number;
  dash?: boolean;
  /** Diagonal lines over the fill: rising (`/`) or falling (`\\`). */
  hatch?: { color: string; rising: boolean };
}

const HATCH_SPACING = 7;

/** Width of a character per pixel of font size, for the monospace fonts the pictures ask for. */
export const CHAR_WIDTH = 0.6;

export function rect(b: Box, s: Style): string {
  const dash = s.dash ? ' stroke-dasharray="6 4"' : '';
  const w = Math.max(b.w, 4);
  const at = `x="${r(b.x)}" y="${r(b.y)}" width="${r(w)}" height="${r(b.h)}" rx="3"`;
  const outline = `stroke="${s.stroke}" stroke-width="${s.strokeWidth ?? 1}"${dash}`;
  if (!s.hatch) return `<rect ${at} fill="${s.fill}" ${outline}/>`;
  return [`<rect ${at} fill="${s.fill}" stroke="none"/>`, hatchLines({ ...b, w }, s.hatch), `<rect ${at} fill="none" ${outline}/>`].join('');
}

/** 45° lines every HATCH_SPACING pixels, clipped to the box by hand. */
function hatchLines(b: Box, hatch: { color: string; rising: boolean }): string {
  const segments: string[] = [];
  for (let c = -b.h + HATCH_SPACING / 2; c < b.w; c += HATCH_SPACING) {
    // Points (x + c + t, y + h - t) for rising lines, (x + c + t, y + t) for falling ones, t in [0, h].
    const from = Math.max(0, -c);
    const to = Math.min(b.h, b.w - c);
    if (from >= to) continue;
    const y = (t: number) => (hatch.rising ? b.y + b.h - t : b.y + t);
    segments.push(`M${r(b.x + c + from)} ${r(y(from))}L${r(b.x + c + to)} ${r(y(to))}`);
  }
  return `<path d="${segments.join('')}" stroke="${hatch.color}" stroke-width="2" fill="none"/>`;
}

export interface TextStyle {
  size: number;
  weight?: 'bold';
  fill?: string;
  anchor?: 'start' | 'middle' | 'end';
  /** A white backdrop behind the text, to stay readable over hatching. */
  halo?: boolean;
}

export function text(x: number, y: number, s: string, t: TextStyle): string {
  const attrs = [`x="${r(x)}"`, `y="${r(y)}"`, `font-size="${t.size}"`];
  if (t.weight) attrs.push(`font-weight="${t.weight}"`);
  if (t.fill) attrs.push(`fill="${t.fill}"`);
  if (t.anchor && t.anchor !== 'start') attrs.push(`text-anchor="${t.anchor}"`);
  const label = `<text ${attrs.join(' ')}>${escapeXml(s)}</text>`;
  if (!t.halo) return label;
  const w = s.length * CHAR_WIDTH * t.size + 6;
  const left = t.anchor === 'middle' ? x - w / 2 : t.anchor === 'end' ? x - w + 3 : x - 3;
  return `<rect x="${r(left)}" y="${r(y - t.size)}" width="${r(w)}" height="${r(t.size + 4)}" rx="2" fill="#ffffff" fill-opacity="0.85" stroke="none"/>${label}`;
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
