/**
 * Runs a target's C compiler on C source text and returns its diagnostics,
 * parsed (compileC), and on top of that checks record layouts against the
 * compiler (verifyLayouts).
 *
 * The compiler is the target's GNU cross compiler, `<triple>-gcc`; where none
 * is installed (Debian packages none for some triples, e.g.
 * aarch64-w64-mingw32) it is `clang --target=<clangTarget>`. Flags come only
 * from targets.yaml fields: the triple and clangTarget pick the compiler, and
 * `bitfields: msvc` adds `-mms-bitfields` (mingw GCC's default already, made
 * explicit so clang agrees).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolchainError } from '../errors.js';
import { onPath } from '../util/on-path.js';
import { renderLayoutChecks, renderRecords } from '../layout/c-decl.js';
import type { AbiFacts, RecordDecl, RecordLayout } from '../model/ctype.js';
import type { Target } from '../spec/targets.js';

export type CompilerTarget = Pick<Target, 'name' | 'triple' | 'clangTarget' | 'bitfields'>;

export interface Compiler {
  kind: 'gcc' | 'clang';
  command: string;
  /** Target-selecting flags; compileC adds the mode and output flags. */
  args: string[];
}

export interface Diagnostic {
  line: number;
  column?: number;
  severity: 'error' | 'warning' | 'note';
  message: string;
}

export interface CompileResult {
  compiler: Compiler;
  /** The compiler exited with status 0. */
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Raw stderr, for messages that are not file:line diagnostics (e.g. linker errors). */
  stderr: string;
  /** The object or executable produced, when no `output` path was given. */
  output?: Buffer;
}

export interface CompileOptions {
  target: CompilerTarget;
  source: string;
  /** `syntax-only` checks declarations and _Static_asserts; `object` and `executable` generate code. */
  mode: 'syntax-only' | 'object' | 'executable';
  /** Where to write an object or executable; by default its bytes are returned in CompileResult.output. */
  output?: string;
  /** More flags, e.g. `-O1` or `-static`. */
  args?: string[];
}

/** The compiler for a target, or a ToolchainError naming the Debian packages that provide one. */
export function compilerFor(target: CompilerTarget): Compiler {
  const gcc = `${target.triple}-gcc`;
  const msBitfields = target.bitfields === 'msvc' ? ['-mms-bitfields'] : [];
  if (onPath(gcc)) return { kind: 'gcc', command: gcc, args: msBitfields };
  if (onPath('clang')) {
    return { kind: 'clang', command: 'clang', args: [`--target=${target.clangTarget}`, '-ferror-limit=0', ...msBitfields] };
  }
  throw new ToolchainError(
    `no C compiler for target ${target.name}: neither ${gcc} (Debian package ${gccPackage(target.triple)}) nor clang (Debian package clang) is on PATH`,
  );
}

/** Debian's package for a triple's cross GCC: gcc-<triple>, or gcc-mingw-w64-<arch> for mingw triples. */
function gccPackage(triple: string): string {
  const [arch = triple, vendor] = triple.split('-');
  return vendor === 'w64' ? `gcc-mingw-w64-${arch.replace(/_/g, '-')}` : `gcc-${triple.replace(/_/g, '-')}`;
}

const MODE_FLAGS = { 'syntax-only': ['-fsyntax-only'], object: ['-c'], executable: [] } as const;

/** Compiles `source` (fed on stdin, so diagnostics refer to `<stdin>` lines). */
export async function compileC(options: CompileOptions): Promise<CompileResult> {
  const compiler = compilerFor(options.target);
  const produces = options.mode !== 'syntax-only';
  const scratch = produces && options.output === undefined ? await mkdtemp(join(tmpdir(), 'sysbind-cc-')) : undefined;
  try {
    const outputPath = scratch === undefined ? options.output : join(scratch, 'out');
    const outputArgs = produces && outputPath !== undefined ? ['-o', outputPath] : [];
    const args = [...compiler.args, ...MODE_FLAGS[options.mode], ...outputArgs, ...(options.args ?? []), '-x', 'c', '-'];
    const { status, stderr } = await run(compiler.command, args, options.source);
    const result: CompileResult = { compiler, ok: status === 0, diagnostics: parseDiagnostics(stderr), stderr };
    if (scratch !== undefined && outputPath !== undefined && result.ok) result.output = await readFile(outputPath);
    return result;
  } finally {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}

function run(command: string, args: string[], stdin: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    // LC_ALL=C: plain ASCII quotes in messages.
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const chunks: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (err) => reject(new ToolchainError(`cannot run ${command}: ${err.message}`)));
    child.on('close', (status) => resolve({ status, stderr: Buffer.concat(chunks).toString('utf8') }));
    child.stdin.end(stdin);
  });
}

const DIAGNOSTIC = /^<stdin>:(\d+):(?:(\d+):)? (?:fatal )?(error|warning|note): (.*)$/;

export function parseDiagnostics(stderr: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const line of stderr.split('\n')) {
    const m = DIAGNOSTIC.exec(line);
    if (!m) continue;
    const column = m[2] === undefined ? undefined : Number(m[2]);
    diagnostics.push({ line: Number(m[1]), ...(column === undefined ? {} : { column }), severity: m[3] as Diagnostic['severity'], message: m[4] ?? '' });
  }
  return diagnostics;
}

const FAILED_ASSERTION = [
  /static assertion failed: "(.*)"$/, // GCC
  /static_assert failed(?: due to requirement '.*')? "(.*)"$/, // clang before 16
  /static assertion failed: (.*)$/, // clang 16 and later
];

/** Messages of the `_Static_assert`s that failed. */
export function failedAssertions(diagnostics: readonly Diagnostic[]): string[] {
  const messages: string[] = [];
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    const match = FAILED_ASSERTION.map((re) => re.exec(d.message)).find((m) => m !== null);
    if (match?.[1] !== undefined) messages.push(match[1]);
  }
  return messages;
}

/**
 * The values a compiler gives integer constant expressions (sizeof, offsetof,
 * _Alignof of its types): each is declared as the size of an array and then
 * redeclared with a conflicting type, and the compiler's complaint spells out
 * the array type, `char[value + 1]`. Useful to say what the compiler thinks
 * when a _Static_assert fails.
 */
export async function evaluateConstants(target: CompilerTarget, prelude: string, expressions: readonly string[], args: readonly string[] = []): Promise<number[]> {
  const probes = expressions.map((e, i) => `extern char sysbind_probe_${i}[(${e}) + 1]; extern int sysbind_probe_${i};`);
  const result = await compileC({ target, source: `${prelude}\n${probes.join('\n')}\n`, mode: 'syntax-only', args: [...args] });
  const values: number[] = expressions.map(() => NaN);
  for (const d of result.diagnostics) {
    const m = /sysbind_probe_(\d+)'.*\bchar ?\[(\d+)\]/.exec(d.message);
    if (m) values[Number(m[1])] = Number(m[2]) - 1;
  }
  return values;
}

export interface LayoutMismatch {
  record: string;
  /** e.g. `stat size`, `stat.st_mode offset`, `flags.b bits`. */
  label: string;
  engine: string;
  compiler: string;
}

export interface LayoutVerdict {
  mismatches: LayoutMismatch[];
  /** Errors that are not failed checks: the records' C did not compile (then nothing was compared). */
  errors: Diagnostic[];
}

/**
 * Checks laid-out records against the target's compiler: sizes, alignments
 * and offsets with _Static_asserts (asking the compiler for its own value of
 * each one that fails), bitfield positions from the bytes of probe objects
 * (see renderLayoutChecks). `prelude` is C the records need before them, such
 * as enum definitions or #includes.
 */
export async function verifyLayouts(
  target: CompilerTarget & Pick<AbiFacts, 'endian'>,
  prelude: string,
  laidOut: readonly { decl: RecordDecl; layout: RecordLayout }[],
): Promise<LayoutVerdict> {
  const records = `${prelude}\n${renderRecords(laidOut.map((r) => r.decl))}`;
  const checks = renderLayoutChecks(laidOut, target);
  const [syntax, object] = await Promise.all([
    compileC({ target, source: records + checks.staticAsserts, mode: 'syntax-only' }),
    compileC({ target, source: records + checks.bitfieldProbes, mode: 'object' }),
  ]);
  const failed = failedAssertions(syntax.diagnostics);
  const errors = [syntax, object]
    .flatMap((r) => r.diagnostics)
    .filter((d) => d.severity === 'error' && !failed.some((message) => d.message.includes(message)));
  if (errors.length > 0 || !object.output) {
    return { mismatches: [], errors: errors.length > 0 ? errors : [{ line: 0, severity: 'error', message: object.stderr }] };
  }

  const mismatches: LayoutMismatch[] = [];
  const failedAsserts = checks.asserts.filter((a) => failed.includes(a.message));
  const actual = await evaluateConstants(target, records, failedAsserts.map((a) => a.expression));
  failedAsserts.forEach((a, i) => {
    mismatches.push({ record: a.record, label: a.label, engine: String(a.expected), compiler: String(actual[i]) });
  });
  const sections = objectSections(object.output);
  for (const probe of checks.probes) {
    const bytes = [...(sections.get(probe.section) ?? [])].slice(0, probe.expected.length);
    if (bytes.length === probe.expected.length && bytes.every((b, i) => b === probe.expected[i])) continue;
    mismatches.push({ record: probe.record, label: probe.label, engine: describeSetBytes(probe.expected), compiler: describeSetBytes(bytes) });
  }
  return { mismatches, errors: [] };
}

/** `bytes 4..5 = f0 01`: the span of non-zero bytes of a probe, where its bitfield's bits are. */
export function describeSetBytes(bytes: number[]): string {
  const first = bytes.findIndex((b) => b !== 0);
  if (first < 0) return 'no bits set';
  const last = bytes.length - 1 - [...bytes].reverse().findIndex((b) => b !== 0);
  return `bytes ${first}..${last} = ${bytes.slice(first, last + 1).map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}

/**
 * The named sections of an object file and their bytes: ELF (32 or 64 bit,
 * either byte order) or COFF as mingw and clang write it. Lets a caller read
 * the exact bytes a compiler gave an initialised object, by placing the object
 * in its own section with `__attribute__((section("name")))`. COFF pads
 * section data to the section's alignment.
 */
export function objectSections(object: Buffer): Map<string, Buffer> {
  return object.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46])) ? elfSections(object) : coffSections(object);
}

function elfSections(elf: Buffer): Map<string, Buffer> {
  const is64 = elf[4] === 2;
  const little = elf[5] === 1;
  const u16 = (at: number) => (little ? elf.readUInt16LE(at) : elf.readUInt16BE(at));
  const u32 = (at: number) => (little ? elf.readUInt32LE(at) : elf.readUInt32BE(at));
  const word = (at: number) => (is64 ? Number(little ? elf.readBigUInt64LE(at) : elf.readBigUInt64BE(at)) : u32(at));
  const shoff = word(is64 ? 0x28 : 0x20);
  const [shentsize, shnum, shstrndx] = is64 ? [u16(0x3a), u16(0x3c), u16(0x3e)] : [u16(0x2e), u16(0x30), u16(0x32)];
  const header = (i: number) => {
    const at = shoff + i * shentsize;
    const link = u32(at + (is64 ? 0x28 : 0x18));
    return { name: u32(at), type: u32(at + 4), offset: word(at + (is64 ? 0x18 : 0x10)), size: word(at + (is64 ? 0x20 : 0x14)), link };
  };
  // With 0xff00 sections or more, the real count and string table index live in section 0.
  const count = shnum === 0 ? header(0).size : shnum;
  const names = header(shstrndx === 0xffff ? header(0).link : shstrndx);
  const sections = new Map<string, Buffer>();
  for (let i = 1; i < count; i++) {
    const h = header(i);
    const nameAt = names.offset + h.name;
    const name = elf.toString('latin1', nameAt, elf.indexOf(0, nameAt));
    const NOBITS = 8;
    sections.set(name, h.type === NOBITS ? Buffer.alloc(h.size) : elf.subarray(h.offset, h.offset + h.size));
  }
  return sections;
}

function coffSections(coff: Buffer): Map<string, Buffer> {
  const count = coff.readUInt16LE(2);
  const stringTable = coff.readUInt32LE(8) + coff.readUInt32LE(12) * 18;
  const table = 20 + coff.readUInt16LE(16);
  const sections = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const at = table + i * 40;
    const short = coff.toString('latin1', at, at + 8).replace(/\0+$/, '');
    // Names longer than 8 bytes are "/<decimal offset>" into the string table.
    const longAt = short.startsWith('/') ? stringTable + Number(short.slice(1)) : -1;
    const name = longAt < 0 ? short : coff.toString('latin1', longAt, coff.indexOf(0, longAt));
    const size = coff.readUInt32LE(at + 16);
    const data = coff.readUInt32LE(at + 20);
    sections.set(name, data === 0 ? Buffer.alloc(size) : coff.subarray(data, data + size));
  }
  return sections;
}
