/**
 * results.svg: one small panel per operation (each with its own scale), one
 * bar per implementation: grey up to the C floor (the same syscall in a C
 * loop), coloured for the overhead above it, labelled with the median ns.
 * Shorter coloured part = less overhead.
 */
import type { OpResult } from './results.js';

const COLORS: Record<string, string> = {
  sysbind: '#1f6fd1',
  proposed: '#5fb0f0',
  nothrow: '#9fd0f5',
  hand: '#e8871e',
  koffi: '#8e5cc4',
  node: '#3a9a48',
  'node-promises': '#8cc98f',
  batch: '#d6455d',
  'batch-prepared': '#9c1c33',
};
const NAMES: Record<string, string> = {
  sysbind: 'sysbind',
  proposed: 'sysbind, proposed',
  nothrow: 'sysbind, -errno form',
  hand: 'hand-written',
  koffi: 'koffi',
  node: 'node',
  'node-promises': 'node (promises)',
  batch: 'batch, one-shot',
  'batch-prepared': 'batch, prepared',
};

const PANEL_W = 560;
const LABEL_W = 130;
const VALUE_W = 120;
const BAR_H = 16;
const GAP = 5;
const HEAD = 26;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function formatNs(x: number): string {
  return x >= 10_000 ? `${(x / 1000).toFixed(1)} µs` : `${Math.round(x)} ns`;
}

function panel(r: OpResult, x: number, y: number): { svg: string; height: number } {
  const barW = PANEL_W - LABEL_W - VALUE_W;
  const max = Math.max(...r.rows.map((row) => Math.max(row.time.median, row.floor ?? 0)));
  const scale = (v: number) => (Math.max(0, v) / max) * barW;
  const parts = [`<text x="${x}" y="${y + 16}" class="title">${esc(r.op.title)}</text>`];
  r.rows.forEach((row, i) => {
    const by = y + HEAD + i * (BAR_H + GAP);
    const impl = row.subject.impl;
    const floorW = scale(Math.min(row.floor ?? 0, row.time.median));
    const totalW = scale(row.time.median);
    parts.push(
      `<text x="${x + LABEL_W - 8}" y="${by + 12}" class="label">${esc(NAMES[impl] ?? impl)}</text>`,
      `<rect x="${x + LABEL_W}" y="${by}" width="${totalW.toFixed(1)}" height="${BAR_H}" fill="${COLORS[impl] ?? '#777'}"/>`,
      `<rect x="${x + LABEL_W}" y="${by}" width="${floorW.toFixed(1)}" height="${BAR_H}" fill="#c8c8c8"/>`,
      `<text x="${x + LABEL_W + totalW + 6}" y="${by + 12}" class="value">${formatNs(row.time.median)}${row.overhead === null ? '' : ` (+${Math.max(0, Math.round(row.overhead))})`}</text>`,
    );
  });
  return { svg: parts.join('\n'), height: HEAD + r.rows.length * (BAR_H + GAP) + 14 };
}

export function chart(results: readonly OpResult[], subtitle: string): string {
  const columns = 2;
  const top = 64;
  const panels: string[] = [];
  let y = top;
  for (let i = 0; i < results.length; i += columns) {
    const row = results.slice(i, i + columns).map((r, c) => panel(r, 20 + c * (PANEL_W + 30), y));
    panels.push(...row.map((p) => p.svg));
    y += Math.max(...row.map((p) => p.height));
  }
  const width = 20 + columns * (PANEL_W + 30);
  const legendY = y + 10;
  const legend = [
    `<rect x="20" y="${legendY}" width="14" height="14" fill="#c8c8c8"/><text x="40" y="${legendY + 12}" class="value">the same syscall in a C loop (floor)</text>`,
    `<text x="300" y="${legendY + 12}" class="value">coloured: overhead above the floor; label: median per call, or per sequence for batches (+ overhead ns)</text>`,
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${legendY + 34}" viewBox="0 0 ${width} ${legendY + 34}">`,
    '<style>text{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;fill:#222}.title{font-size:14px;font-weight:bold}.label{font-size:12px;text-anchor:end}.value{font-size:12px}.h1{font-size:18px;font-weight:bold}.sub{font-size:12px;fill:#555}</style>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="20" y="28" class="h1">sysbind: time per call, and overhead above the same syscall in C</text>`,
    `<text x="20" y="48" class="sub">${esc(subtitle)}</text>`,
    ...panels,
    ...legend,
    '</svg>',
  ].join('\n');
}
