/**
 * C prototypes of syscall entry points, read from kernel sources:
 *
 *  - declarations and definitions `[asmlinkage] long sys_xxx(...)` (also
 *    `compat_sys_*`, mips' `sysm_*`) in include/linux/syscalls.h,
 *    include/asm-generic/syscalls.h and arch headers/sources;
 *  - `SYSCALL_DEFINEn(name, type, arg, ...)` (→ `sys_name`),
 *    `COMPAT_SYSCALL_DEFINEn` (→ `compat_sys_name`) and x86's `SYSCALL32_DEFINEn`
 *    (→ `sys_name` in a native 32-bit kernel, the only build its *_32.c files serve);
 *  - assembly trampolines that only jump to a C entry point: a `.S` label whose
 *    body ends in an unconditional branch (arm's `sys_statfs64_wrapper: … b sys_statfs64`)
 *    and mips' `save_static_function(sys_fork)`, which defines `__sys_fork`
 *    (arch/mips/include/asm/sim.h). They take the prototype of their target.
 *
 * Types are normalised: `__user`-like annotations and a parameter's own
 * qualifiers (`const clockid_t` → `clockid_t`) dropped, single spaces,
 * pointer stars as in `const char *const *`, arrays decayed to pointers,
 * primitive spellings canonical (`unsigned` → `unsigned int`, `long int` → `long`).
 * Kernel typedefs (umode_t, loff_t, u32, …) stay as written.
 *
 * An entry point is looked up for one arch and word size in this order: C
 * definitions in arch/<arch>/ (and trampolines there), declarations in
 * arch/<arch>/, definitions in generic code (kernel/, fs/, mm/, …),
 * include/linux/syscalls.h, include/asm-generic/syscalls.h. Files named
 * `*32.*` / `*64.*` count only for that word size. Where one step has differing
 * prototypes under `#ifdef CONFIG_…`, the arch's Kconfig `select`s choose.
 */
import { basename } from 'node:path';
import { ImportError } from '../../errors.js';

export interface Param {
  name: string;
  type: string;
}

export interface Prototype {
  ret: string;
  params: Param[];
  /** `file:line` of the declaration used. */
  from: string;
  /** For a trampoline, the C entry point it jumps to (whose signature this is). */
  via?: string;
}

export interface FoundPrototype {
  entry: string;
  ret: string;
  params: Param[];
  file: string;
  line: number;
  /** A definition (with a body, or SYSCALL_DEFINE) or only a declaration. */
  kind: 'definition' | 'declaration';
  /** Why the prototype could not be read (then ret and params are empty). */
  problem?: string;
  /** CONFIG_ conditions it is compiled under (see configGuards). */
  guards: string[];
  /** Only for kernels with this word size (a `*32.c`/`*64.c` file, SYSCALL32_DEFINE). */
  bits?: 32 | 64;
  /** Only for this byte order (SC_ARG64 halves). */
  endian?: 'little' | 'big';
}

/** What a lookup is for: an arch directory, its word size and byte order. */
export interface Build {
  arch: string;
  bits: 32 | 64;
  endian: 'little' | 'big';
}

export interface Trampoline {
  entry: string;
  target: string;
  file: string;
  line: number;
}

type Place = { file: string; line: number };

const ENTRY_NAME = /^(?:compat_)?sys[a-z]*_\w+$/;
const NOT_TYPE_WORDS = new Set(['return', 'else', 'do', 'goto', 'case', 'sizeof', 'typeof', 'if', 'while', 'for', 'switch']);
const DROPPED_WORDS = new Set([
  'asmlinkage', '__visible', 'notrace', '__weak', 'static', 'inline', '__always_inline', 'extern', '__noreturn', '__cold',
  '__user', '__force', '__iomem', '__rcu', '__kernel', 'restrict', '__restrict', '__maybe_unused', '__always_unused', '__nocfi',
]);
const QUALIFIERS = new Set(['const', 'volatile']);
const PRIMITIVE_WORDS = new Set(['signed', 'unsigned', 'short', 'long', 'int', 'char']);
const KEYWORDS = new Set([...QUALIFIERS, ...PRIMITIVE_WORDS, 'void', 'struct', 'union', 'enum', 'float', 'double', '_Bool']);

/** Comments and preprocessor lines blanked out, newlines kept so offsets map to the same lines. */
function cleanC(text: string): string {
  const noComments = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
  const lines = noComments.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*#/.test(lines[i]!)) continue;
    let j = i;
    while (lines[j]!.endsWith('\\') && j + 1 < lines.length) lines[j++] = '';
    lines[j] = '';
  }
  return lines.join('\n');
}

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Index just past the `)` matching the `(` at `open`, or -1. */
function closeParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/** Splits on commas outside parentheses and brackets. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((x) => x.trim());
}

/** Prototypes declared or defined in one C source or header. */
export function parseCPrototypes(text: string, file: string): FoundPrototype[] {
  const src = cleanC(text);
  const guards = configGuards(text);
  const out: FoundPrototype[] = [];
  // A found prototype, or one carrying why it cannot be read (an error only if a lookup picks it).
  const readable = (entry: string, place: Place, kind: FoundPrototype['kind'], read: () => { ret: string; params: Param[] }): FoundPrototype => {
    const bits = bitsOfFile(file);
    const found = { entry, ...place, kind, guards: guards[place.line - 1] ?? [], ...(bits ? { bits } : {}) };
    try {
      return { ...found, ...read() };
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      return { ...found, ret: '', params: [], problem: e.message };
    }
  };

  const define = /\b(COMPAT_)?SYSCALL(32)?_DEFINE([0-6])\s*\(/g;
  for (let m = define.exec(src); m; m = define.exec(src)) {
    const place = { file, line: lineAt(src, m.index) };
    const open = m.index + m[0].length - 1;
    const end = closeParen(src, open);
    if (end < 0) throw new ImportError(`unterminated ${m[0]}`, place);
    define.lastIndex = end;
    const body = src.slice(open + 1, end - 1);
    const name = splitTopLevel(body)[0]!;
    if (!/^\w+$/.test(name)) continue;
    const entry = `${m[1] ? 'compat_' : ''}sys_${name}`;
    // SYSCALL32_DEFINE is SYSCALL_DEFINE in a kernel without CONFIG_COMPAT, i.e. a 32-bit one.
    const only = m[2] ? { bits: 32 as const } : {};
    // SC_ARG64(x): a 64-bit argument as two u32 halves, low first on little-endian (include/linux/syscalls.h).
    const variants: [string, 'little' | 'big' | undefined][] = /\bSC_ARG64\(/.test(body)
      ? [
          [body.replace(/\bSC_ARG64\(\s*(\w+)\s*\)/g, 'u32, $1_lo, u32, $1_hi'), 'little'],
          [body.replace(/\bSC_ARG64\(\s*(\w+)\s*\)/g, 'u32, $1_hi, u32, $1_lo'), 'big'],
        ]
      : [[body, undefined]];
    for (const [text, endian] of variants) {
      const found = readable(entry, place, 'definition', () => ({ ret: 'long', params: defineParams(text, Number(m[3]), place) }));
      out.push({ ...found, ...only, ...(endian ? { endian } : {}) });
    }
  }

  // `<specifiers> name(params)` followed by `;` or `{`, starting a statement.
  const decl = /(?:^|[;{}])\s*((?:[A-Za-z_]\w*[\s*]+)+?)((?:compat_)?sys[a-z]*_\w+)\s*\(/g;
  const afterDecl = /\s*(?:__\w+(?:\s*\(\([^)]*\)\))?\s*)*([;{])/y;
  for (let m = decl.exec(src); m; m = decl.exec(src)) {
    const nameIndex = m.index + m[0].lastIndexOf(m[2]!);
    const open = m.index + m[0].length - 1;
    decl.lastIndex = nameIndex;
    const words = m[1]!.match(/[A-Za-z_]\w*/g) ?? [];
    if (!ENTRY_NAME.test(m[2]!) || words.some((w) => NOT_TYPE_WORDS.has(w))) continue;
    const end = closeParen(src, open);
    if (end < 0) continue;
    afterDecl.lastIndex = end;
    const after = afterDecl.exec(src);
    if (!after) continue;
    const place = { file, line: lineAt(src, nameIndex) };
    const ret = normaliseType(m[1]!, place);
    if (!ret) continue;
    out.push(readable(m[2]!, place, after[1] === '{' ? 'definition' : 'declaration', () => ({ ret, params: parseParams(src.slice(open + 1, end - 1), place) })));
    decl.lastIndex = end;
  }
  return out;
}

/**
 * For each line, the CONFIG_ conditions it is compiled under, as far as simple
 * conditions tell. A guard is `CONFIG_X`, `!CONFIG_X`, or alternatives joined by
 * `|`; a line's guards must all hold. `#ifdef`/`#ifndef CONFIG_X`, and `#if` of
 * `[!]defined(CONFIG_X)` / `IS_ENABLED(CONFIG_X)` joined all by `||` or all by
 * `&&`, are understood; `#elif`/`#else` add the negations of earlier branches.
 * Other conditions are not tracked.
 */
function configGuards(text: string): string[][] {
  const negAtom = (a: string): string => (a.startsWith('!') ? a.slice(1) : `!${a}`);
  // The negation of a conjunction of guards (each a disjunction) is a conjunction only when it has one guard.
  const negate = (guards: string[] | null): string[] =>
    guards && guards.length === 1 ? guards[0]!.split('|').map(negAtom) : guards && guards.length > 1 && guards.every((g) => !g.includes('|')) ? [guards.map(negAtom).join('|')] : [];
  const parse = (kind: string, rest: string): string[] | null => {
    const r = rest.trim().replace(/\s*\/[*/].*$/, '');
    if (kind === 'ifdef' || kind === 'ifndef') return /^CONFIG_\w+$/.test(r) ? [`${kind === 'ifndef' ? '!' : ''}${r}`] : null;
    const simple = (t: string): string | null => {
      const m = /^(!?)\s*(?:defined\s*\(?|IS_ENABLED\()\s*(CONFIG_\w+)\s*\)?$/.exec(t.trim());
      return m ? `${m[1]}${m[2]}` : null;
    };
    const any = r.split('||').map(simple);
    if (any.length > 1) return any.every(Boolean) ? [any.join('|')] : null;
    const all = r.split('&&').map(simple);
    return all.every(Boolean) ? (all as string[]) : null;
  };
  const stack: { current: string[]; earlier: (string[] | null)[] }[] = [];
  return text.split('\n').map((line) => {
    const d = /^\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)$/.exec(line);
    const top = stack[stack.length - 1];
    if (d) {
      const [, kind, rest] = d as unknown as [string, string, string];
      const negated = (): string[] => (top?.earlier ?? []).flatMap(negate);
      if (kind === 'endif') stack.pop();
      else if (kind === 'else' && top) top.current = negated();
      else if (kind === 'elif' && top) {
        const g = parse('if', rest);
        top.current = [...negated(), ...(g ?? [])];
        top.earlier.push(g);
      } else if (kind !== 'else' && kind !== 'elif') {
        const g = parse(kind, rest);
        stack.push({ current: g ?? [], earlier: [g] });
      }
    }
    return stack.flatMap((f) => f.current);
  });
}

/** Assembly trampolines: `.S` labels ending in a tail branch, and mips' save_static_function(). */
export function parseTrampolines(text: string, file: string): Trampoline[] {
  const out: Trampoline[] = [];
  if (file.endsWith('.S')) {
    const lines = text.split('\n');
    lines.forEach((l, i) => {
      const label = /^\s*(?:([A-Za-z_]\w*):|(?:ENTRY|SYM_FUNC_START)\((\w+)\))/.exec(l);
      const entry = label?.[1] ?? label?.[2];
      if (!entry || !ENTRY_NAME.test(entry)) return;
      let target: string | undefined;
      for (let j = i + 1; j < lines.length; j++) {
        const body = lines[j]!.replace(/@.*|\/\/.*|;.*/, '');
        if (new RegExp(`\\b(?:ENDPROC|END|SYM_FUNC_END)\\(${entry}\\)`).test(body)) {
          if (target) out.push({ entry, target, file, line: i + 1 });
          return;
        }
        if (/^\s*[A-Za-z_]\w*:/.test(body)) return;
        const b = /^\s*(?:b|j|jmp|jg)\s+([A-Za-z_]\w*)\s*$/.exec(body);
        if (b) target = b[1];
      }
    });
  } else {
    const src = cleanC(text);
    const re = /\bsave_static_function\(\s*(\w+)\s*\)/g;
    for (let m = re.exec(src); m; m = re.exec(src)) out.push({ entry: `__${m[1]}`, target: m[1]!, file, line: lineAt(src, m.index) });
  }
  return out;
}

/** The `type, name` pairs of a SYSCALL_DEFINEn(name, …) argument list. */
function defineParams(body: string, n: number, place: Place): Param[] {
  const args = splitTopLevel(body).slice(1);
  if (args.length !== 2 * n) throw new ImportError(`expected ${n} type/argument pairs (a macro in the argument list?)`, place);
  const params: Param[] = [];
  for (let i = 0; i < n; i++) {
    const p = parseParam(`${args[2 * i]} ${args[2 * i + 1]}`, place);
    if (p.name !== args[2 * i + 1]) throw new ImportError(`cannot read argument '${args[2 * i]}, ${args[2 * i + 1]}'`, place);
    params.push(p);
  }
  return params;
}

function parseParams(list: string, place: Place): Param[] {
  const parts = splitTopLevel(list);
  if (parts.length === 1 && (parts[0] === '' || parts[0] === 'void')) return [];
  return parts.map((p, i) => {
    const param = parseParam(p, place);
    return param.name ? param : { ...param, name: `arg${i + 1}` };
  });
}

/** One parameter declaration: its name ('' when unnamed) and normalised type. */
export function parseParam(raw: string, place: Place): Param {
  let text = raw.replace(/\b__attribute__\s*\(\(.*?\)\)/g, ' ').trim();
  if (text === '...') throw new ImportError('variadic syscall prototypes are not supported', place);
  // Function pointer: `ret (*name)(args)`.
  const fp = /\(\s*\*\s*([A-Za-z_]\w*)?\s*\)/.exec(text);
  if (fp) {
    const name = fp[1] ?? '';
    const type = text.slice(0, fp.index) + '(*)' + text.slice(fp.index + fp[0].length);
    return { name, type: type.replace(/\s+/g, ' ').replace(/\s*\(\*\)\s*/, ' (*)').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').trim() };
  }
  let arrays = 0;
  text = text.replace(/\s*\[[^\]]*\]/g, () => {
    arrays++;
    return '';
  });
  let tokens = tokensOf(text, place);
  let name = '';
  const last = tokens[tokens.length - 1];
  if (last && last !== '*' && !KEYWORDS.has(last) && isCompleteType(tokens.slice(0, -1))) {
    name = last;
    tokens.pop();
  }
  // Qualifiers of the parameter itself (`const clockid_t`, `char *const`) are not part of the function's type.
  const star = tokens.lastIndexOf('*');
  tokens = tokens.filter((t, i) => i < star || !QUALIFIERS.has(t));
  const type = formatType([...tokens, ...Array<string>(arrays).fill('*')]);
  if (!type) throw new ImportError(`cannot read parameter '${raw.trim()}'`, place);
  return { name, type };
}

/** A normalised type from its spelling (e.g. a return type); '' when only dropped words remain. */
export function normaliseType(raw: string, place: Place): string {
  return formatType(tokensOf(raw, place));
}

function tokensOf(text: string, place: Place): string[] {
  const tokens = text.match(/[A-Za-z_]\w*|\*|\S/g) ?? [];
  const bad = tokens.find((t) => t !== '*' && !/^[A-Za-z_]/.test(t));
  if (bad) throw new ImportError(`unexpected '${bad}' in type '${text.trim()}'`, place);
  return tokens.filter((t) => !DROPPED_WORDS.has(t));
}

function isCompleteType(tokens: string[]): boolean {
  const words = tokens.filter((t) => t !== '*' && !QUALIFIERS.has(t));
  if (words.length === 0) return false;
  return !['struct', 'union', 'enum'].includes(words[0]!) || words.length >= 2;
}

/** Joins type tokens: single spaces, `*` attached to the following star or qualifier (`char *const *`). */
function formatType(tokens: string[]): string {
  const canon: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    if (!PRIMITIVE_WORDS.has(tokens[i]!)) {
      canon.push(tokens[i++]!);
      continue;
    }
    const run: string[] = [];
    while (i < tokens.length && (PRIMITIVE_WORDS.has(tokens[i]!) || QUALIFIERS.has(tokens[i]!))) run.push(tokens[i++]!);
    canon.push(...canonicalPrimitive(run));
  }
  let out = '';
  for (const t of canon) {
    if (t === '*') out += out.endsWith('*') ? '*' : ' *';
    else out += out && !out.endsWith('*') ? ` ${t}` : t;
  }
  return out.trim();
}

/** `long unsigned int` → `unsigned long`, `unsigned` → `unsigned int`; qualifiers kept in front. */
function canonicalPrimitive(run: string[]): string[] {
  const quals = run.filter((t) => QUALIFIERS.has(t));
  const count = (w: string): number => run.filter((t) => t === w).length;
  const sign = count('unsigned') ? 'unsigned ' : count('signed') && count('char') ? 'signed ' : '';
  const base = count('char') ? 'char' : count('short') ? 'short' : count('long') >= 2 ? 'long long' : count('long') ? 'long' : 'int';
  return [...quals, ...`${sign}${base}`.split(' ')];
}

// ---------------------------------------------------------------------------
// Lookup

function bitsOfFile(file: string): 32 | 64 | undefined {
  const m = /(32|64)\.[chS]$/.exec(basename(file));
  return m ? (Number(m[1]) as 32 | 64) : undefined;
}

function signature(p: FoundPrototype): string {
  return JSON.stringify([p.ret, p.params, p.problem]);
}

/**
 * All prototypes and trampolines found in the kernel files given to add(), and
 * the lookup order that picks one for an entry point on one arch.
 */
export class PrototypeIndex {
  private readonly found = new Map<string, FoundPrototype[]>();
  private readonly trampolines = new Map<string, Trampoline[]>();
  private readonly selects = new Map<string, { symbol: string; owner: string; cond: string }[]>();

  /**
   * Records the `select`s of arch/<arch>/Kconfig. They are used only to choose
   * between prototypes that differ under `#ifdef CONFIG_X`, approximately: a
   * select counts unless its `config` block or its `if` condition names a
   * symbol of the other word size (X86_32, PPC64, COMPAT_32, 64BIT, …).
   */
  addKconfig(arch: string, text: string): void {
    const list: { symbol: string; owner: string; cond: string }[] = [];
    let owner = '';
    for (const line of text.split('\n')) {
      const block = /^\s*(?:menu)?config\s+(\w+)/.exec(line);
      if (block) owner = block[1]!;
      const sel = /^\s*select\s+(\w+)(?:\s+if\s+(.*))?/.exec(line);
      if (sel) list.push({ symbol: `CONFIG_${sel[1]}`, owner, cond: sel[2] ?? '' });
    }
    this.selects.set(arch, list);
  }

  private selected(arch: string, bits: 32 | 64): Set<string> {
    const other = bits === 32 ? '64' : '32';
    const otherSize = new RegExp(`${other}(?:BIT)?\\b`);
    const set = new Set((this.selects.get(arch) ?? []).filter((s) => !otherSize.test(s.owner) && !otherSize.test(s.cond)).map((s) => s.symbol));
    // Its `struct pt_regs *` prototypes describe the register-passing wrapper, not the syscall's C arguments.
    set.delete('CONFIG_ARCH_HAS_SYSCALL_WRAPPER');
    return set;
  }

  /** Parses a kernel-relative C/assembly file (a header, an arch source, or generic code defining syscalls). */
  add(file: string, text: string): void {
    if (!/sys[a-z]*_|SYSCALL/.test(text)) return;
    for (const p of parseCPrototypes(file.endsWith('.S') ? '' : text, file)) push(this.found, p.entry, p);
    for (const t of parseTrampolines(text, file)) push(this.trampolines, t.entry, t);
  }

  /** The prototype of `entry` as built for `build`, or undefined. */
  resolve(entry: string, build: Build): Prototype | undefined {
    return this.lookup(entry, build, 0);
  }

  /** Of prototypes that differ, those whose own CONFIG_ conditions (not shared by all) the arch's Kconfig meets. */
  private configured(candidates: FoundPrototype[], build: Build): FoundPrototype[] {
    const selected = this.selected(build.arch, build.bits);
    const holds = (atom: string): boolean => (atom.startsWith('!') ? !selected.has(atom.slice(1)) : selected.has(atom));
    const shared = candidates[0]!.guards.filter((g) => candidates.every((c) => c.guards.includes(g)));
    const meets = (p: FoundPrototype): boolean => p.guards.filter((g) => !shared.includes(g)).every((g) => g.split('|').some(holds));
    const kept = candidates.filter(meets);
    return kept.length > 0 ? kept : candidates;
  }

  private lookup(entry: string, build: Build, depth: number): Prototype | undefined {
    const { arch, bits, endian } = build;
    const fits = (p: { file: string; bits?: number; endian?: string }): boolean =>
      (p.bits ?? bits) === bits && (p.endian ?? endian) === endian && (p.file.startsWith(`arch/${arch}/`) || !p.file.startsWith('arch/'));
    const all = (this.found.get(entry) ?? []).filter(fits);
    const inArch = (p: FoundPrototype): boolean => p.file.startsWith('arch/');
    const tiers: FoundPrototype[][] = [
      all.filter((p) => inArch(p) && p.kind === 'definition'),
      all.filter((p) => inArch(p) && p.kind === 'declaration'),
      all.filter((p) => !inArch(p) && !p.file.startsWith('include/') && p.kind === 'definition'),
      all.filter((p) => p.file === 'include/linux/syscalls.h'),
      all.filter((p) => p.file === 'include/asm-generic/syscalls.h'),
    ];
    const jump = (this.trampolines.get(entry) ?? []).find((t) => fits({ file: t.file, bits: bitsOfFile(t.file) }) && t.file.startsWith('arch/'));
    if (tiers[0]!.length === 0 && jump && depth < 3) {
      const target = this.lookup(jump.target, build, depth + 1);
      if (!target) return undefined;
      return { ret: target.ret, params: target.params, from: `${jump.file}:${jump.line}`, via: jump.target };
    }
    for (const tier of tiers) {
      if (tier.length === 0) continue;
      // Identical candidates: prefer a real implementation over a stub for a configured-out feature (kernel/time/posix-stubs.c).
      const stub = (p: FoundPrototype): number => (/stub/.test(basename(p.file)) ? 1 : 0);
      let sorted = [...tier].sort((a, b) => stub(a) - stub(b) || a.file.localeCompare(b.file) || a.line - b.line);
      if (sorted.some((p) => signature(p) !== signature(sorted[0]!))) sorted = this.configured(sorted, build);
      const first = sorted[0]!;
      const other = sorted.find((p) => signature(p) !== signature(first));
      if (other) {
        throw new ImportError(
          `${entry} has different prototypes for ${arch} (${bits}-bit) at ${first.file}:${first.line} and ${other.file}:${other.line}`,
          { file: first.file, line: first.line },
        );
      }
      if (first.problem) throw new ImportError(`cannot read the prototype of ${entry}: ${first.problem}`, { file: first.file, line: first.line });
      return { ret: first.ret, params: first.params, from: `${first.file}:${first.line}` };
    }
    return undefined;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
