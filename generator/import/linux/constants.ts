/**
 * Imports Linux constants per target from the real installed headers by compiling
 * them with that target's cross compiler; no value is ever evaluated by regex.
 *
 * For each linux target in specs/targets.yaml and each family in
 * specs/linux/constant-families.yaml (one C translation unit per family):
 *   1. `<cc> -E -dD` lists the object-like macros the family's headers define
 *      (with the header each comes from); names matching `match` are candidates.
 *   2. Each candidate becomes `_Static_assert(((N) | 0) || 1, "")` (rejects
 *      anything but an integer constant expression: strings, pointers, floats,
 *      initialisers) plus `const unsigned long long sysbind_u_N = N` and
 *      `const unsigned char sysbind_n_N = (N) < 0`. Lines the compiler rejects
 *      drop their name (reported to log.debug) and the unit is compiled again.
 *   3. The values are read from the symbols of the ELF object (any class and
 *      byte order), so no per-arch assembly syntax is involved.
 * A target takes two compiler runs for all its families (plus one per retry),
 * and the targets run concurrently, so all of them take a few seconds.
 * Results go to specs/linux/constants/<target>.json, written only when every
 * target succeeded.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ImportError, SpecError, ToolchainError } from '../../errors.js';
import { loadSpecFile, type SourceFile } from '../../spec/source-file.js';
import type { Target } from '../../spec/targets.js';
import { stableJson } from '../../util/stable-json.js';
import { writeFileAtomic } from '../../util/write-atomic.js';

// ---------------------------------------------------------------------------
// specs/linux/constant-families.yaml

export interface ConstantFamily {
  name: string;
  follows: 'kernel' | 'glibc';
  headers: string[];
  match: RegExp[];
  exclude: Map<string, string>;
  descriptions: boolean;
}

interface FamiliesFile {
  families: Record<
    string,
    { follows: 'kernel' | 'glibc'; headers: string[]; match: string[]; exclude?: Record<string, string>; descriptions?: boolean }
  >;
}

const familiesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['families'],
  properties: {
    families: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-z][a-z0-9]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['follows', 'headers', 'match'],
        properties: {
          follows: { enum: ['kernel', 'glibc'] },
          headers: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[A-Za-z0-9_./-]+\\.h$' } },
          match: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
          exclude: {
            type: 'object',
            propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
            additionalProperties: { type: 'string', minLength: 1 },
          },
          descriptions: { type: 'boolean' },
        },
      },
    },
  },
} as const;

export interface FamilySpec {
  source: SourceFile<FamiliesFile>;
  families: ConstantFamily[];
}

export function loadConstantFamilies(specsDir: string): FamilySpec {
  const source = loadSpecFile<FamiliesFile>(join(specsDir, 'linux', 'constant-families.yaml'), familiesSchema);
  const families = Object.entries(source.data.families).map(([name, f]): ConstantFamily => ({
    name,
    follows: f.follows,
    headers: f.headers,
    match: f.match.map((re, i) => {
      try {
        return new RegExp(re);
      } catch (e) {
        throw new SpecError(`invalid regex: ${(e as Error).message}`, source.at(['families', name, 'match', i]));
      }
    }),
    exclude: new Map(Object.entries(f.exclude ?? {})),
    descriptions: f.descriptions ?? false,
  }));
  return { source, families };
}

// ---------------------------------------------------------------------------
// Running tools

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the C locale; rejects only when it cannot be started. */
function run(command: string, args: readonly string[], cwd?: string): Promise<RunResult> {
  return new Promise((done, fail) => {
    execFile(
      command,
      args,
      { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') fail(err);
        else done({ code: err ? Number(err.code) : 0, stdout, stderr });
      },
    );
  });
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The C compiler for a target: `<triple>-gcc`, from the Debian package gcc-<triple>. */
export function compilerFor(target: Target): { command: string; debianPackage: string } {
  return { command: `${target.triple}-gcc`, debianPackage: `gcc-${target.triple}` };
}

/** `<cc> -dumpfullversion`; throws ToolchainError naming every missing compiler. */
async function compilerVersions(targets: readonly Target[]): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  const missing: string[] = [];
  await Promise.all(
    targets.map(async (t) => {
      const { command, debianPackage } = compilerFor(t);
      try {
        const r = await run(command, ['-dumpfullversion']);
        if (r.code !== 0) throw new ToolchainError(`${command} -dumpfullversion failed: ${r.stderr.trim()}`);
        versions.set(t.name, r.stdout.trim());
      } catch (e) {
        if (!isMissing(e)) throw e;
        missing.push(`${command} (target ${t.name}; install the Debian package ${debianPackage})`);
      }
    }),
  );
  if (missing.length > 0) throw new ToolchainError(`cross compiler not found: ${missing.sort().join(', ')}`);
  return versions;
}

// ---------------------------------------------------------------------------
// Step 1: which macros do a unit's headers define?

/** One translation unit: an id (a family name) and the headers it includes. */
export interface Unit {
  id: string;
  headers: readonly string[];
}

export interface MacroDef {
  /** Replacement text as the preprocessor prints it (comments removed). */
  body: string;
  /** Header that made the final definition (path as the compiler printed it). */
  file: string;
  functionLike: boolean;
}

export interface UnitMacros {
  /** Macros defined by headers (not built in, not from the command line), final definitions. */
  macros: Map<string, MacroDef>;
  /** Every header the unit read. */
  headers: Set<string>;
}

/** Flags every run uses: glibc's full feature set, no colour, no caret lines. */
const BASE_FLAGS = ['-D_GNU_SOURCE', '-fdiagnostics-color=never', '-fno-diagnostics-show-caret'];

const unitFile = (id: string): string => `sysbind_${id}.c`;
const includes = (unit: Unit): string => unit.headers.map((h) => `#include <${h}>\n`).join('');

/** Parses `-E -dD` output of several units (each starts with its own line marker). */
export function parseDefines(text: string, unitIds: readonly string[]): Map<string, UnitMacros> {
  const byFile = new Map(unitIds.map((id) => [unitFile(id), id]));
  const result = new Map(unitIds.map((id): [string, UnitMacros] => [id, { macros: new Map(), headers: new Set() }]));
  let unit: UnitMacros | undefined;
  let file = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) continue;
    const marker = /^# \d+ "((?:[^"\\]|\\.)*)"/.exec(line);
    if (marker) {
      file = marker[1]!.replace(/\\(.)/g, '$1');
      const id = byFile.get(file);
      if (id !== undefined) unit = result.get(id);
      else if (unit && !file.startsWith('<')) unit.headers.add(file);
      continue;
    }
    if (!unit || file.startsWith('<') || byFile.has(file)) continue;
    const def = /^#define ([A-Za-z_]\w*)(\([^)]*\))?(?: (.*))?$/.exec(line);
    if (def) {
      unit.macros.set(def[1]!, { body: (def[3] ?? '').trim(), file, functionLike: def[2] !== undefined });
      continue;
    }
    const undef = /^#undef ([A-Za-z_]\w*)/.exec(line);
    if (undef) unit.macros.delete(undef[1]!);
  }
  return result;
}

/** Preprocesses all units in one compiler run. */
export async function preprocess(cc: string, units: readonly Unit[], dir: string, flags: readonly string[] = []): Promise<Map<string, UnitMacros>> {
  await Promise.all(units.map((u) => writeFile(join(dir, unitFile(u.id)), includes(u))));
  const r = await run(cc, [...BASE_FLAGS, ...flags, '-E', '-dD', ...units.map((u) => unitFile(u.id))], dir);
  if (r.code !== 0) throw new ImportError(`${cc} cannot preprocess the headers (sysbind_<family>.c includes that family's headers):\n${r.stderr.trim()}`);
  const parsed = parseDefines(r.stdout, units.map((u) => u.id));
  for (const m of parsed.values()) {
    m.headers = new Set([...m.headers].map((h) => resolve(dir, h)));
    for (const def of m.macros.values()) def.file = resolve(dir, def.file);
  }
  return parsed;
}

// ---------------------------------------------------------------------------
// Step 2: compile candidates; read values from the object file

export interface Evaluated {
  /** Value of every name that is an integer constant expression, per unit. */
  values: Map<string, Map<string, bigint>>;
  /** Name -> first compiler error, per unit. */
  dropped: Map<string, Map<string, string>>;
}

const MAX_COMPILES = 4;

/** The C line evaluating one macro; its line number identifies the name in error messages. */
export function valueLine(name: string): string {
  return (
    `_Static_assert(((${name}) | 0) || 1, ""); ` +
    `const unsigned long long sysbind_u_${name} = (unsigned long long)(${name}); ` +
    `const unsigned char sysbind_n_${name} = ((${name}) < 0);`
  );
}

/** Evaluates the named macros of each unit, dropping those that do not compile. */
export async function evaluate(
  cc: string,
  units: readonly (Unit & { names: readonly string[] })[],
  dir: string,
  flags: readonly string[] = [],
): Promise<Evaluated> {
  const dropped = new Map(units.map((u): [string, Map<string, string>] => [u.id, new Map()]));
  for (let attempt = 1; ; attempt++) {
    const lines = new Map<string, string[]>();
    for (const u of units) {
      const names = u.names.filter((n) => !dropped.get(u.id)!.has(n));
      lines.set(u.id, names);
      await writeFile(join(dir, unitFile(u.id)), includes(u) + names.map((n) => valueLine(n) + '\n').join(''));
    }
    const args = [...BASE_FLAGS, ...flags, '-c', '-O0', '-w', '-ftrack-macro-expansion=0', '-fno-common'];
    const r = await run(cc, [...args, ...units.map((u) => unitFile(u.id))], dir);
    if (r.code === 0) {
      const values = new Map<string, Map<string, bigint>>();
      for (const u of units) values.set(u.id, await readValues(cc, u.id, lines.get(u.id)!, dir));
      return { values, dropped };
    }
    let dropping = 0;
    for (const m of r.stderr.matchAll(/^(.*?):(\d+):\d+: (?:fatal )?error: (.*)$/gm)) {
      const unit = units.find((u) => unitFile(u.id) === m[1]);
      const index = Number(m[2]) - 1 - (unit?.headers.length ?? 0);
      const name = unit && lines.get(unit.id)![index];
      if (!unit || name === undefined) throw new ImportError(`${cc} cannot compile the headers:\n${r.stderr.trim()}`);
      const reasons = dropped.get(unit.id)!;
      if (!reasons.has(name)) {
        reasons.set(name, m[3]!);
        dropping++;
      }
    }
    if (dropping === 0 || attempt === MAX_COMPILES) {
      throw new ImportError(`${cc} still fails after ${attempt} compiles:\n${r.stderr.trim()}`);
    }
  }
}

/** Reads a compiled unit's object; every name still on the list must have a value. */
async function readValues(cc: string, id: string, names: readonly string[], dir: string): Promise<Map<string, bigint>> {
  const object = unitFile(id).replace(/\.c$/, '.o');
  const elf = parseElfObject(await readFile(join(dir, object)));
  if (elf.hasRelocations) throw new ImportError(`${cc}: ${object} has relocations; a constant compiled to an address`);
  const values = new Map<string, bigint>();
  for (const name of names) {
    const bytes = elf.symbols.get(`sysbind_u_${name}`);
    const negative = elf.symbols.get(`sysbind_n_${name}`);
    if (bytes?.length !== 8 || negative?.length !== 1) throw new ImportError(`${cc}: no 8+1-byte value symbols for ${name} in ${object}`);
    const raw = readUnsigned(bytes, elf.littleEndian);
    values.set(name, negative[0] ? BigInt.asIntN(64, raw) : raw);
  }
  return values;
}

// ---------------------------------------------------------------------------
// ELF relocatable objects: bytes of every defined data symbol

export interface ElfObject {
  littleEndian: boolean;
  /** Any REL/RELA section: then some bytes are placeholders, not values. */
  hasRelocations: boolean;
  /** Symbol name -> its st_size bytes (zeros for NOBITS sections such as .bss). */
  symbols: Map<string, Uint8Array>;
}

const SHT_SYMTAB = 2;
const SHT_RELA = 4;
const SHT_NOBITS = 8;
const SHT_REL = 9;
const SHN_LORESERVE = 0xff00;

/** Reads ELF32/ELF64 objects of either byte order. */
export function parseElfObject(bytes: Uint8Array): ElfObject {
  if (bytes.length < 52 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ImportError('not an ELF file');
  }
  const is64 = bytes[4] === 2;
  const le = bytes[5] === 1;
  if (bytes[4] !== 1 && !is64) throw new ImportError(`unknown ELF class ${bytes[4]}`);
  if (bytes[5] !== 1 && bytes[5] !== 2) throw new ImportError(`unknown ELF byte order ${bytes[5]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (at: number): number => (is64 ? Number(view.getBigUint64(at, le)) : view.getUint32(at, le));
  const u16 = (at: number): number => view.getUint16(at, le);
  const u32 = (at: number): number => view.getUint32(at, le);

  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const sections = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize;
    return is64
      ? { type: u32(at + 4), offset: word(at + 24), size: word(at + 32), link: u32(at + 40), entsize: word(at + 56) }
      : { type: u32(at + 4), offset: u32(at + 16), size: u32(at + 20), link: u32(at + 24), entsize: u32(at + 36) };
  });
  const cString = (at: number): string => {
    let end = at;
    while (bytes[end] !== 0) end++;
    return Buffer.from(bytes.subarray(at, end)).toString('latin1');
  };

  const symbols = new Map<string, Uint8Array>();
  for (const symtab of sections.filter((s) => s.type === SHT_SYMTAB)) {
    const strtab = sections[symtab.link]!;
    for (let at = symtab.offset; at < symtab.offset + symtab.size; at += symtab.entsize) {
      const nameOffset = u32(at);
      const value = is64 ? word(at + 8) : u32(at + 4);
      const size = is64 ? word(at + 16) : u32(at + 8);
      const shndx = u16(is64 ? at + 6 : at + 14);
      if (nameOffset === 0 || shndx === 0 || shndx >= SHN_LORESERVE) continue;
      const section = sections[shndx]!;
      const data =
        section.type === SHT_NOBITS ? new Uint8Array(size) : bytes.slice(section.offset + value, section.offset + value + size);
      symbols.set(cString(strtab.offset + nameOffset), data);
    }
  }
  return { littleEndian: le, hasRelocations: sections.some((s) => s.type === SHT_REL || s.type === SHT_RELA), symbols };
}

/** Unsigned integer from bytes in the given order. */
export function readUnsigned(bytes: Uint8Array, littleEndian: boolean): bigint {
  let v = 0n;
  for (let i = 0; i < bytes.length; i++) v = (v << 8n) | BigInt(bytes[littleEndian ? bytes.length - 1 - i : i]!);
  return v;
}

// ---------------------------------------------------------------------------
// Provenance: which Debian packages own the headers a target read

async function headerPackages(cc: string, headers: Iterable<string>): Promise<Record<string, string>> {
  const gccDir = dirname(await realpath((await run(cc, ['-print-file-name=include'])).stdout.trim()));
  const paths = new Set<string>();
  for (const h of headers) {
    const real = await realpath(h);
    if (!real.startsWith(gccDir + '/')) paths.add(real);
  }
  const owners = await dpkg(['-S', ...[...paths].sort()]);
  const packages = new Set<string>();
  for (const line of owners.split('\n').filter(Boolean)) {
    const m = /^(.*?): \//.exec(line);
    if (!m || m[1]!.startsWith('diversion by')) continue;
    for (const p of m[1]!.split(', ')) packages.add(p);
  }
  const versions: Record<string, string> = {};
  for (const p of [...packages].sort()) {
    versions[p.replace(/:.*$/, '')] = await dpkg(['-W', '-f=${Version}', p]);
  }
  return versions;
}

async function dpkg(args: string[]): Promise<string> {
  try {
    const r = await run('dpkg-query', args);
    if (r.code !== 0) throw new ImportError(`dpkg-query ${args.slice(0, 2).join(' ')}…: ${r.stderr.trim()} (headers outside any Debian package?)`);
    return r.stdout;
  } catch (e) {
    if (isMissing(e)) throw new ToolchainError('dpkg-query not found: recording header package versions needs a Debian system');
    throw e;
  }
}

// ---------------------------------------------------------------------------
// One target

export interface ImportLog {
  info(message: string): void;
  debug(message: string): void;
}

interface Constant {
  name: string;
  value: bigint;
  alias?: string;
  description?: string;
}

interface TargetResult {
  target: Target;
  compiler: string;
  headers: Record<string, string>;
  families: Map<string, Constant[]>;
  /** Per family: excludes and match regexes that hit a candidate on this target. */
  usedExcludes: Map<string, Set<string>>;
  usedMatches: Map<string, Set<number>>;
}

async function importTarget(target: Target, version: string, families: readonly ConstantFamily[], log: ImportLog): Promise<TargetResult> {
  const { command: cc } = compilerFor(target);
  const dir = await mkdtemp(join(tmpdir(), `sysbind-constants-${target.name}-`));
  try {
    const macros = await preprocess(cc, families.map((f) => ({ id: f.name, headers: f.headers })), dir);
    const usedExcludes = new Map<string, Set<string>>();
    const usedMatches = new Map<string, Set<number>>();
    const candidates = families.map((f) => {
      const { macros: defs } = macros.get(f.name)!;
      const excludes = new Set<string>();
      const matches = new Set<number>();
      const names: string[] = [];
      for (const [name, def] of defs) {
        const hits = f.match.flatMap((re, i) => (re.test(name) ? [i] : []));
        if (hits.length === 0) continue;
        hits.forEach((i) => matches.add(i));
        if (f.exclude.has(name)) excludes.add(name);
        else if (def.functionLike) log.debug(`${target.name} ${f.name}: skipped ${name}: function-like macro`);
        else names.push(name);
      }
      usedExcludes.set(f.name, excludes);
      usedMatches.set(f.name, matches);
      return { id: f.name, headers: f.headers, names: names.sort() };
    });

    const { values, dropped } = await evaluate(cc, candidates, dir);
    const result = new Map<string, Constant[]>();
    const fileCache = new Map<string, Promise<string>>();
    for (const f of families) {
      for (const [name, reason] of dropped.get(f.name)!) log.debug(`${target.name} ${f.name}: dropped ${name}: ${reason}`);
      const defs = macros.get(f.name)!.macros;
      const familyValues = values.get(f.name)!;
      if (familyValues.size === 0) throw new ImportError(`family '${f.name}' has no integer constant on ${target.name}`);
      const constants: Constant[] = [];
      for (const [name, value] of familyValues) {
        const c: Constant = { name, value, alias: aliasOf(name, defs, familyValues) };
        if (f.descriptions) {
          const file = defs.get(name)!.file;
          if (!fileCache.has(file)) fileCache.set(file, readFile(file, 'utf8'));
          c.description = describe(await fileCache.get(file)!, name);
        }
        constants.push(c);
      }
      constants.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      result.set(f.name, constants);
    }
    const headers = await headerPackages(cc, new Set([...macros.values()].flatMap((m) => [...m.headers])));
    return { target, compiler: `${cc} ${version}`, headers, families: result, usedExcludes, usedMatches };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const IDENTIFIER = /^[A-Za-z_]\w*$/;

/** For a macro whose body is just an identifier: the first name along that chain this family exports. */
function aliasOf(name: string, defs: Map<string, MacroDef>, exported: Map<string, bigint>): string | undefined {
  const seen = new Set([name]);
  let body = defs.get(name)!.body;
  while (IDENTIFIER.test(body) && !seen.has(body)) {
    if (exported.has(body)) return body;
    seen.add(body);
    const next = defs.get(body);
    if (!next || next.functionLike) return undefined;
    body = next.body;
  }
  return undefined;
}

/** The comment on the `#define NAME` line of a header, if it fits on that line. */
function describe(header: string, name: string): string | undefined {
  const m = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${name}\\b[^\\n]*?/\\*[ \\t]*([^\\n]*?)[ \\t]*\\*/`, 'm').exec(header);
  return m?.[1] || undefined;
}

// ---------------------------------------------------------------------------
// All targets

function jsonValue(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function render(r: TargetResult, families: readonly ConstantFamily[]): string {
  const packages = Object.entries(r.headers).map(([p, v]) => `${p}=${v}`).join(', ');
  return stableJson({
    $comment: `generated by \`sysbind import linux\` from ${r.compiler} with ${packages} — do not edit`,
    source: { compiler: r.compiler, headers: r.headers },
    families: Object.fromEntries(
      families.map((f) => [
        f.name,
        {
          follows: f.follows,
          headers: f.headers,
          constants: r.families.get(f.name)!.map((c) => ({ name: c.name, value: jsonValue(c.value), alias: c.alias, description: c.description })),
        },
      ]),
    ),
  });
}

/** Excludes and match regexes must each hit something on at least one target. */
function checkStale(spec: FamilySpec, results: readonly TargetResult[]): void {
  for (const f of spec.families) {
    for (const name of f.exclude.keys()) {
      if (!results.some((r) => r.usedExcludes.get(f.name)!.has(name))) {
        throw new SpecError(`stale exclude: no target defines a matching macro '${name}' in family '${f.name}'`, spec.source.at(['families', f.name, 'exclude', name]));
      }
    }
    f.match.forEach((re, i) => {
      if (!results.some((r) => r.usedMatches.get(f.name)!.has(i))) {
        throw new SpecError(`match ${re} finds no macro on any target`, spec.source.at(['families', f.name, 'match', i]));
      }
    });
  }
}

export interface ConstantsSummary {
  targets: { target: string; file: string; constants: number; families: Record<string, number> }[];
}

export async function importLinuxConstants(options: { specsDir: string; targets: readonly Target[]; log: ImportLog }): Promise<ConstantsSummary> {
  const { specsDir, log } = options;
  const spec = loadConstantFamilies(specsDir);
  const targets = options.targets.filter((t) => t.platform === 'linux');
  const versions = await compilerVersions(targets);
  const results = await Promise.all(targets.map((t) => importTarget(t, versions.get(t.name)!, spec.families, log)));
  checkStale(spec, results);

  const outputs = results.map((r) => ({ r, file: join(specsDir, 'linux', 'constants', `${r.target.name}.json`), text: render(r, spec.families) }));
  for (const { file, text } of outputs) writeFileAtomic(file, text);
  const summary: ConstantsSummary = {
    targets: outputs.map(({ r, file }) => ({
      target: r.target.name,
      file,
      constants: [...r.families.values()].reduce((n, cs) => n + cs.length, 0),
      families: Object.fromEntries([...r.families].map(([f, cs]) => [f, cs.length])),
    })),
  };
  for (const t of summary.targets) log.info(`${t.target}: ${t.constants} constants -> ${t.file}`);
  return summary;
}
