/**
 * The bench's report, as terminal text and as bench/results.md: the machine
 * and command, per-call timings with overheads, ratios, the targets, the batch
 * prototype and generation speed.
 */
import type { OpResult, Target } from './results.js';
import type { Timing } from './generation.js';
import type { Counts } from './instructions.js';
import { ns, ratio, toMarkdown, toText, type Table } from './table.js';

export interface Meta {
  command: string;
  date: string;
  machine: string;
  load: string;
  method: string;
}

export interface Report {
  meta: Meta;
  calls: OpResult[];
  batch: OpResult[];
  targets: Target[];
  generation: Timing[];
  /** Callgrind instruction counts, or why there are none. */
  instructions: Counts | string;
}

function callTable(results: readonly OpResult[], withLabels: boolean): Table {
  const rows = results.flatMap((r) =>
    r.rows.map((row, i) => [
      i === 0 ? r.op.title : '',
      row.subject.impl,
      ns(row.time.median),
      `${ns(row.time.min)}–${ns(row.time.max)}`,
      ns(row.floor),
      ns(row.overhead),
      ...(withLabels ? [row.subject.label] : []),
    ]),
  );
  return {
    headers: ['operation', 'implementation', 'ns/call', 'min–max', 'C floor', 'overhead', ...(withLabels ? ['what runs'] : [])],
    rows,
    align: withLabels ? 'llrrrrl' : 'llrrrr',
  };
}

function ratioTable(results: readonly OpResult[]): Table {
  return {
    headers: ['operation', 'sysbind/hand overhead', 'proposed/hand overhead', 'koffi/sysbind overhead', 'node/sysbind time'],
    rows: results.map((r) => [r.op.title, ratio(r.sysbindOverHand), ratio(r.proposedOverHand), ratio(r.koffiOverSysbind), ratio(r.nodeOverSysbind)]),
    align: 'lrrrr',
  };
}

function batchTable(results: readonly OpResult[]): Table {
  return {
    headers: ['operation', 'implementation', 'ns/iteration', 'min–max', 'C floor', 'overhead/syscall', 'speed-up vs separate'],
    rows: results.flatMap((r) => {
      const separate = r.rows.find((row) => row.subject.impl === 'sysbind')!;
      return r.rows.map((row, i) => [
        i === 0 ? r.op.title : '',
        row.subject.impl,
        ns(row.time.median),
        `${ns(row.time.min)}–${ns(row.time.max)}`,
        ns(row.floor),
        ns(row.overhead === null ? null : row.overhead / (row.subject.calls ?? 1)),
        row === separate ? '' : ratio(separate.time.median / row.time.median),
      ]);
    }),
    align: 'llrrrrr',
  };
}

function generationTable(timings: readonly Timing[]): Table {
  return {
    headers: ['command (scratch copy of the repository)', 'median', 'min–max', 'runs', 'what it did'],
    rows: timings.map((t) => [
      t.command,
      t.ms ? `${(t.ms.median / 1000).toFixed(2)} s` : '—',
      t.ms ? `${(t.ms.min / 1000).toFixed(2)}–${(t.ms.max / 1000).toFixed(2)} s` : '—',
      String(t.runs),
      t.note,
    ]),
    align: 'lrrrl',
  };
}

const CALL_IMPLS = ['sysbind', 'proposed', 'hand', 'koffi', 'node', 'nothrow'];
const BATCH_IMPLS = ['sysbind', 'batch', 'batch-prepared'];

/** Instructions per syscall for each implementation, and the sysbind/hand and proposed/hand ratios. */
function instructionTable(results: readonly OpResult[], counts: Counts, impls: readonly string[], ratios: boolean): Table {
  return {
    headers: ['operation', ...impls, ...(ratios ? ['sysbind/hand', 'proposed/hand'] : [])],
    rows: results.flatMap((r) => {
      const c = counts.get(r.op.id);
      if (!c) return [];
      const calls = r.op.subjects[0]?.calls ?? 1;
      const per = (impl: string) => (c.has(impl) ? c.get(impl)! / calls : null);
      const cell = (x: number | null) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
      const div = (a: number | null, b: number | null) => (a !== null && b !== null ? a / b : null);
      return [[r.op.title, ...impls.map((i) => cell(per(i))), ...(ratios ? [ratio(div(per('sysbind'), per('hand'))), ratio(div(per('proposed'), per('hand')))] : [])]];
    }),
    align: 'l' + 'r'.repeat(impls.length + (ratios ? 2 : 0)),
  };
}

function instructionSection(r: Report, render: (t: Table) => string): string[] {
  if (typeof r.instructions === 'string') return [`instruction counts: ${r.instructions}`];
  return [
    'user-space instructions per syscall (callgrind; the kernel is not counted):',
    render(instructionTable(r.calls, r.instructions, CALL_IMPLS, true)),
    '',
    render(instructionTable(r.batch, r.instructions, BATCH_IMPLS, false)),
  ];
}

function targetLines(targets: readonly Target[]): string[] {
  return targets.map((t) => `${t.met ? '✓ met    ' : '✗ NOT met'}  ${t.what} — ${t.detail}`);
}

export function terminalReport(r: Report): string {
  const met = r.targets.filter((t) => t.met).length;
  return [
    `sysbind bench — ${r.meta.date}`,
    `command: ${r.meta.command}`,
    `machine: ${r.meta.machine}`,
    `load:    ${r.meta.load}`,
    `method:  ${r.meta.method}`,
    '',
    toText(callTable(r.calls, false)),
    '',
    toText(ratioTable(r.calls)),
    '',
    `targets (${met} of ${r.targets.length} met):`,
    ...targetLines(r.targets),
    '',
    'batch prototype (bench/BATCH.md):',
    toText(batchTable(r.batch)),
    '',
    ...instructionSection(r, toText),
    '',
    'generation speed:',
    toText(generationTable(r.generation)),
  ].join('\n');
}

/** How to read results.md. */
const NOTES = `
## How to read this

- **C floor**: the same syscall in a tight C loop (\`bench/native/floor.c\`, libc's \`syscall()\` like the
  binding), measured in the same rounds. **overhead** = median ns/call − C floor: what crossing from
  JavaScript costs. koffi and Node's \`hrtime\` read the clock through the vDSO, so their clock_gettime
  floor is the vDSO's; \`process.pid\` is cached by Node and makes no syscall.
- **sysbind**: the generated API (\`generated/linux-x64\`), its binding.cc built as \`npm run build\` does.
  **proposed**: the changes proposed for the generator, measured: the generated binding.cc with
  \`bench/proto/\` applied (one Node-API call per number or buffer argument; clock_gettime through the
  vDSO) under the generated wrappers with the TypeScript changes in \`bench/proposed.ts\` (a
  fast-properties copy of the addon's exports; a class-identity test before \`structBytes\`; default
  struct bytes from a pooled slab). **nothrow**: a proposed extra form returning -errno instead of
  throwing. **hand**: minimal node-addon-api functions (\`bench/addon/hand.cc\`). **koffi**: the libc
  function through koffi. **node**: Node's own equivalent.
- Ratios divide overheads, except node/sysbind, which divides times (above 1: sysbind is faster).
  A ratio is "—" where an overhead is within noise of zero (64 KiB reads: the copy dominates).
- **Instruction counts** (callgrind, \`node --predictable\`, 10,000 calls after warm-up): user-space
  instructions per call: JavaScript, Node-API, the addon and libc; the kernel is invisible to valgrind, so
  both pread64 sizes count the same. They do not move with the machine's load, so they are the steadier
  guide to where overhead comes from; times decide the targets.
- The machine is shared: the load average above says how busy it was; the min–max spread shows the
  drift the interleaving spread across all rows. Async rows wait for a pool thread to be scheduled, so
  their absolute times swing most with the load (15–60 µs per call across runs here); their ratios hold.
`;

export function markdownReport(r: Report): string {
  const met = r.targets.filter((t) => t.met).length;
  return [
    '# sysbind bench results',
    '',
    `Produced by \`${r.meta.command}\` on ${r.meta.date}.`,
    '',
    `- Machine: ${r.meta.machine}`,
    `- Load average: ${r.meta.load}`,
    `- Method: ${r.meta.method}`,
    '',
    '![time per call and overhead above the C floor](results.svg)',
    '',
    '## Per call',
    '',
    toMarkdown(callTable(r.calls, true)),
    '',
    '## Ratios (same run)',
    '',
    toMarkdown(ratioTable(r.calls)),
    '',
    `## Targets: ${met} of ${r.targets.length} met`,
    '',
    ...targetLines(r.targets).map((l) => `- ${l}`),
    '',
    '## Batch prototype ([BATCH.md](BATCH.md))',
    '',
    toMarkdown(batchTable(r.batch)),
    '',
    '## Instruction counts',
    '',
    ...instructionSection(r, toMarkdown),
    '',
    '## Generation speed',
    '',
    toMarkdown(generationTable(r.generation)),
    '',
    NOTES.trim(),
    '',
  ].join('\n');
}
