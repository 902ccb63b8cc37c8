/**
 * Pure parsers for the kernel's syscall number tables: text in, rows out, no I/O.
 *
 *  - `.tbl` files (arch/x86/entry/syscalls/syscall_64.tbl, scripts/syscall.tbl, …):
 *    `<nr> <abi> <name> [<entry point> [<compat entry point> [noreturn]]]`, `#` comments.
 *  - `syscall_abis_<bits> += …` / `syscalltbl = …` lines of scripts/Makefile.asm-headers and
 *    arch/<arch>/kernel/Makefile.syscalls (6.11+), which say which ABIs of
 *    scripts/syscall.tbl an architecture uses.
 *  - include/uapi/asm-generic/unistd.h (up to 6.10), evaluated with a small C
 *    preprocessor for one target: `#define __NR_x n` plus `__SYSCALL` / `__SC_COMP` /
 *    `__SC_3264` / `__SC_COMP_3264` lines inside `#if`/`#ifdef __ARCH_WANT_*` blocks.
 *
 * Rows without an entry point (the table gives none, or `-`) are kept and have no
 * `entry`: the number is reserved and calling it returns ENOSYS. An explicit
 * `sys_ni_syscall` is kept as the entry the table names.
 */
import { ImportError } from '../../errors.js';

export interface TableRow {
  nr: number;
  abi: string;
  name: string;
  /** Native entry point; absent when the table names none. */
  entry?: string;
  file: string;
  line: number;
}

/** One selected syscall as written to specs/linux/syscalls/<target>.json. */
export interface Syscall {
  name: string;
  nr: number;
  abi: string;
  entry?: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Every row of a `.tbl` file, in file order. */
export function parseTbl(text: string, file: string): TableRow[] {
  const rows: TableRow[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const body = raw.replace(/#.*/, '').trim();
    if (!body) return;
    const f = body.split(/\s+/);
    const bad = (why: string): never => {
      throw new ImportError(`malformed syscall table line (${why}): ${raw.trim()}`, { file, line });
    };
    if (f.length < 3) bad('expected <nr> <abi> <name> [<entry> [<compat entry> [noreturn]]]');
    if (f.length > 6) bad('too many columns');
    const [nr, abi, name, entry, compat, flag] = f as [string, string, string, string?, string?, string?];
    if (!/^\d+$/.test(nr)) bad(`number '${nr}' is not a decimal integer`);
    if (!/^[A-Za-z0-9_]+$/.test(abi)) bad(`ABI '${abi}' is not a word`);
    if (!IDENT.test(name)) bad(`name '${name}' is not an identifier`);
    for (const e of [entry, compat]) if (e !== undefined && e !== '-' && !IDENT.test(e)) bad(`entry point '${e}' is not an identifier`);
    if (flag !== undefined && flag !== 'noreturn') bad(`unknown flag '${flag}'`);
    const row: TableRow = { nr: Number(nr), abi, name, file, line };
    if (entry !== undefined && entry !== '-') row.entry = entry;
    rows.push(row);
  });
  return rows;
}

export interface SelectOptions {
  /** ABIs the target uses (specs/targets.yaml syscallTable.abis). */
  abis: readonly string[];
  /** Every ABI the table may contain; a row with another ABI is an error. Omit when the table has no known vocabulary. */
  knownAbis?: readonly string[];
  /** Added to every number (syscallOffset). */
  offset: number;
}

/** Rows whose ABI the target uses, numbered with the offset, sorted by number; duplicates are errors. */
export function selectSyscalls(rows: readonly TableRow[], opts: SelectOptions): Syscall[] {
  const wanted = new Set(opts.abis);
  const known = opts.knownAbis && new Set([...opts.knownAbis, ...opts.abis]);
  const byNr = new Map<number, TableRow>();
  const byName = new Map<string, TableRow>();
  const out: Syscall[] = [];
  for (const r of rows) {
    if (known && !known.has(r.abi)) {
      throw new ImportError(`unknown ABI '${r.abi}' (known: ${[...known].sort().join(', ')})`, { file: r.file, line: r.line });
    }
    if (!wanted.has(r.abi)) continue;
    const nr = r.nr + opts.offset;
    const twin = byNr.get(nr) ?? byName.get(r.name);
    if (twin) {
      throw new ImportError(`syscall ${r.name} (${nr}, ABI ${r.abi}) collides with ${twin.name} (${twin.nr + opts.offset}, ABI ${twin.abi}) at line ${twin.line}; check the target's ABI list`, {
        file: r.file,
        line: r.line,
      });
    }
    byNr.set(nr, r);
    byName.set(r.name, r);
    const s: Syscall = { name: r.name, nr, abi: r.abi };
    if (r.entry) s.entry = r.entry;
    out.push(s);
  }
  return out.sort((a, b) => a.nr - b.nr);
}

export interface SyscallMakefile {
  /** `syscall_abis_32` / `syscall_abis_64` words, in order of appearance. */
  abis: { '32': string[]; '64': string[] };
  /** `syscalltbl = …` override (with `%` standing for 32/64), when set. */
  table?: string;
}

/** The `syscall_abis_<bits> += a b,c` and `syscalltbl = …` assignments of a kernel Makefile fragment. */
export function parseSyscallMakefile(text: string, file: string): SyscallMakefile {
  const out: SyscallMakefile = { abis: { '32': [], '64': [] } };
  text.split('\n').forEach((raw, i) => {
    const body = raw.replace(/#.*/, '').trim();
    let m = /^syscall_abis_(32|64)\s*(\+=|:=|=)\s*(.*)$/.exec(body);
    if (m) {
      const words = m[3]!.split(/[\s,]+/).filter(Boolean);
      for (const w of words) {
        if (!/^[A-Za-z0-9_]+$/.test(w)) throw new ImportError(`unexpected ABI word '${w}'`, { file, line: i + 1 });
      }
      const key = m[1] as '32' | '64';
      out.abis[key] = m[2] === '+=' ? [...out.abis[key], ...words] : words;
      return;
    }
    m = /^syscalltbl\s*:?=\s*(\S+)$/.exec(body);
    if (m) out.table = m[1]!.replace(/^\$\(srctree\)\//, '');
  });
  return out;
}

// ---------------------------------------------------------------------------
// include/uapi/asm-generic/unistd.h (kernels up to 6.10)

export interface GenericUnistdOptions {
  /** Kernel-relative file to start from: arch/<arch>/include/uapi/asm/unistd.h. */
  root: string;
  /** Reads a kernel-relative file (only `<asm-generic/…>` includes are followed). */
  read: (rel: string) => string;
  /** 32 or 64: `__BITS_PER_LONG`, and which half of `__SC_3264` applies. */
  bits: 32 | 64;
  /** Whether `__LP64__` is predefined. */
  lp64: boolean;
  /** ABI label of the rows the arch header itself adds (its kernelArch, as 6.11+ names them). */
  archAbi: string;
}

/**
 * `__ARCH_WANT_*` switches whose rows 6.11+ scripts/syscall.tbl tags with an ABI
 * of their own. Rows under other switches (CLONE3, NOMMU, SYNC_FILE_RANGE2) are
 * `common` there; rows depending on `__BITS_PER_LONG` are `32`/`64`.
 */
const WANT_ABI: Record<string, string> = {
  __ARCH_WANT_RENAMEAT: 'renameat',
  __ARCH_WANT_SET_GET_RLIMIT: 'rlimit',
  __ARCH_WANT_MEMFD_SECRET: 'memfd_secret',
};

const SYSCALL_MACROS = new Set(['__SYSCALL', '__SC_COMP', '__SC_3264', '__SC_COMP_3264']);

interface Frame {
  /** This branch is being read. */
  active: boolean;
  /** Some branch of this #if chain was taken. */
  taken: boolean;
  /** Condition text of the branch in force (for ABI labels). */
  cond: string;
  parentActive: boolean;
}

interface PendingRow {
  nrExpr: string;
  abi: string;
  entry: string;
  file: string;
  line: number;
}

/**
 * The rows a target's asm-generic unistd.h defines, with ABI labels as 6.11+
 * scripts/syscall.tbl would give them, so the caller can check them against the
 * target's ABI list.
 */
export function evalGenericUnistd(opts: GenericUnistdOptions): TableRow[] {
  const macros = new Map<string, string | null>([
    ['__BITS_PER_LONG', String(opts.bits)],
    ...(opts.lp64 ? ([['__LP64__', '1']] as const) : []),
  ]);
  const pending: PendingRow[] = [];

  const processFile = (file: string): void => {
    const stack: Frame[] = [];
    const active = (): boolean => stack.length === 0 || stack[stack.length - 1]!.active;
    for (const { text, line } of logicalLines(opts.read(file))) {
      const place = { file, line };
      const d = /^\s*#\s*(\w+)\s*(.*)$/.exec(text);
      if (d) {
        const [, directive, rest] = d as unknown as [string, string, string];
        const arg = rest.trim();
        switch (directive) {
          case 'if':
          case 'ifdef':
          case 'ifndef': {
            const parentActive = active();
            const cond = directive === 'if' ? arg : `${directive === 'ifndef' ? '!' : ''}defined(${arg})`;
            const ok = parentActive && evalCondition(cond, macros, place);
            stack.push({ active: ok, taken: ok, cond, parentActive });
            break;
          }
          case 'elif':
          case 'else': {
            const top = stack[stack.length - 1];
            if (!top) throw new ImportError(`#${directive} without #if`, place);
            const cond = directive === 'elif' ? arg : `!(${top.cond})`;
            const ok = top.parentActive && !top.taken && (directive === 'else' || evalCondition(arg, macros, place));
            top.active = ok;
            top.taken ||= ok;
            top.cond = cond;
            break;
          }
          case 'endif':
            if (!stack.pop()) throw new ImportError('#endif without #if', place);
            break;
          case 'define':
            if (active()) {
              const m = /^(\w+)(\([^)]*\))?\s*(.*)$/.exec(arg);
              if (!m) throw new ImportError(`malformed #define: ${text.trim()}`, place);
              macros.set(m[1]!, m[2] ? null : m[3]!.trim());
            }
            break;
          case 'undef':
            if (active()) macros.delete(arg);
            break;
          case 'include': {
            const inc = /^<asm-generic\/([\w./-]+)>$/.exec(arg);
            if (active() && inc) processFile(`include/uapi/asm-generic/${inc[1]}`);
            break;
          }
          default:
            break;
        }
        continue;
      }
      if (!active()) continue;
      const call = /^\s*(\w+)\s*\((.*)\)\s*;?\s*$/.exec(text);
      if (!call || !SYSCALL_MACROS.has(call[1]!)) continue;
      pending.push({ ...syscallMacro(call[1]!, call[2]!, opts.bits, place), abi: labelFor(call[1]!, call[2]!, stack, file, opts), file, line });
    }
    if (stack.length > 0) throw new ImportError('unterminated #if', { file });
  };
  processFile(opts.root);

  // `__NR3264_x` numbers take their user-visible name from the `__NR_y __NR3264_x` alias in force at the end.
  const alias = new Map<string, string>();
  for (const [name, body] of macros) if (name.startsWith('__NR_') && body && /^__NR3264_\w+$/.test(body)) alias.set(body, name.slice(5));
  return pending.map((p) => {
    const place = { file: p.file, line: p.line };
    const name = /^__NR_(\w+)$/.exec(p.nrExpr)?.[1] ?? alias.get(p.nrExpr);
    if (!name) throw new ImportError(`cannot name syscall ${p.nrExpr}: no __NR_ alias for it`, place);
    const nr = evalExpr(p.nrExpr, macros, place);
    if (!Number.isInteger(nr) || nr < 0) throw new ImportError(`${p.nrExpr} is not a syscall number (${nr})`, place);
    return { nr, abi: p.abi, name, entry: p.entry, file: p.file, line: p.line };
  });
}

/** `__SYSCALL(nr, sys)`, `__SC_COMP(nr, sys, compat)`, `__SC_3264(nr, sys32, sys64)`, `__SC_COMP_3264(nr, sys32, sys64, compat)`. */
function syscallMacro(macro: string, args: string, bits: 32 | 64, place: { file: string; line: number }): { nrExpr: string; entry: string } {
  const a = args.split(',').map((s) => s.trim());
  const arity = { __SYSCALL: 2, __SC_COMP: 3, __SC_3264: 3, __SC_COMP_3264: 4 }[macro];
  if (a.length !== arity || a.some((x) => !IDENT.test(x))) throw new ImportError(`malformed ${macro}(${args})`, place);
  const entry = macro === '__SYSCALL' || macro === '__SC_COMP' ? a[1]! : bits === 32 ? a[1]! : a[2]!;
  return { nrExpr: a[0]!, entry };
}

function labelFor(macro: string, args: string, stack: readonly Frame[], file: string, opts: GenericUnistdOptions): string {
  const bits = String(opts.bits);
  if (macro === '__SC_3264' || macro === '__SC_COMP_3264' || args.trim().startsWith('__NR3264_')) return bits;
  for (let i = stack.length - 1; i >= 0; i--) {
    const cond = stack[i]!.cond;
    const want = Object.keys(WANT_ABI).find((w) => new RegExp(`\\b${w}\\b`).test(cond));
    if (want) return WANT_ABI[want]!;
    if (/\b__BITS_PER_LONG\b/.test(cond)) return bits;
  }
  return file.startsWith('include/uapi/asm-generic/') ? 'common' : opts.archAbi;
}

/** Lines with comments blanked and backslash continuations joined, each with its first line number. */
function logicalLines(text: string): { text: string; line: number }[] {
  const clean = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/.*$/gm, '');
  const out: { text: string; line: number }[] = [];
  const lines = clean.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let t = lines[i]!;
    while (t.endsWith('\\') && i + 1 < lines.length) t = t.slice(0, -1) + ' ' + lines[++i]!;
    out.push({ text: t, line: start });
  }
  return out;
}

// ---------------------------------------------------------------------------
// #if expressions: integers, identifiers (object-like macros expanded, others 0),
// defined(X), ! ~ unary -, * / % + - < > <= >= == != && || and parentheses.

type Tok = { kind: 'num'; value: number } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

function evalCondition(expr: string, macros: Map<string, string | null>, place: { file: string; line: number }): boolean {
  return evalExpr(expr, macros, place) !== 0;
}

function evalExpr(expr: string, macros: Map<string, string | null>, place: { file: string; line: number }): number {
  const toks = expand(tokenize(expr, place), macros, new Set(), place);
  let pos = 0;
  const peek = (): Tok | undefined => toks[pos];
  const fail = (why: string): never => {
    throw new ImportError(`cannot evaluate '${expr}': ${why}`, place);
  };
  const isOp = (v: string): boolean => peek()?.kind === 'op' && peek()!.value === v;
  const primary = (): number => {
    const t = toks[pos++];
    if (!t) return fail('unexpected end');
    if (t.kind === 'num') return t.value;
    if (t.kind === 'id') return 0;
    if (t.value === '(') {
      const v = binary(0);
      if (!isOp(')')) fail("missing ')'");
      pos++;
      return v;
    }
    if (t.value === '!') return primary() === 0 ? 1 : 0;
    if (t.value === '-') return -primary();
    if (t.value === '~') return ~primary();
    return fail(`unexpected '${t.value}'`);
  };
  const levels: string[][] = [['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%']];
  const apply = (op: string, a: number, b: number): number => {
    switch (op) {
      case '||': return a || b ? 1 : 0;
      case '&&': return a && b ? 1 : 0;
      case '==': return a === b ? 1 : 0;
      case '!=': return a !== b ? 1 : 0;
      case '<': return a < b ? 1 : 0;
      case '>': return a > b ? 1 : 0;
      case '<=': return a <= b ? 1 : 0;
      case '>=': return a >= b ? 1 : 0;
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return b === 0 ? fail('division by zero') : Math.trunc(a / b);
      default: return b === 0 ? fail('division by zero') : a % b;
    }
  };
  const binary = (level: number): number => {
    if (level === levels.length) return primary();
    let v = binary(level + 1);
    for (let t = peek(); t?.kind === 'op' && levels[level]!.includes(t.value); t = peek()) {
      pos++;
      v = apply(t.value, v, binary(level + 1));
    }
    return v;
  };
  const v = binary(0);
  if (pos !== toks.length) fail(`unexpected '${toks[pos]!.value}'`);
  return v;
}

function tokenize(expr: string, place: { file: string; line: number }): Tok[] {
  const toks: Tok[] = [];
  const re = /\s*(?:(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|([A-Za-z_]\w*)|(\|\||&&|==|!=|<=|>=|[()!~<>+\-*/%]))/y;
  let i = 0;
  while (i < expr.length) {
    if (/^\s*$/.test(expr.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(expr);
    if (!m) throw new ImportError(`cannot evaluate '${expr}': unexpected '${expr.slice(i).trim()[0]}'`, place);
    if (m[1]) toks.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2]) toks.push({ kind: 'id', value: m[2] });
    else toks.push({ kind: 'op', value: m[3]! });
    i = re.lastIndex;
  }
  return toks;
}

/** Replaces `defined X` / `defined(X)` by 0/1 and object-like macros by their expansion. */
function expand(toks: Tok[], macros: Map<string, string | null>, seen: Set<string>, place: { file: string; line: number }): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === 'id' && t.value === 'defined') {
      const paren = toks[i + 1]?.kind === 'op' && toks[i + 1]!.value === '(';
      const name = toks[i + (paren ? 2 : 1)];
      if (name?.kind !== 'id' || (paren && !(toks[i + 3]?.kind === 'op' && toks[i + 3]!.value === ')'))) {
        throw new ImportError('malformed defined()', place);
      }
      out.push({ kind: 'num', value: macros.has(name.value) ? 1 : 0 });
      i += paren ? 3 : 1;
    } else if (t.kind === 'id' && typeof macros.get(t.value) === 'string' && !seen.has(t.value)) {
      const body = expand(tokenize(macros.get(t.value)!, place), macros, new Set([...seen, t.value]), place);
      if (body.length > 0) out.push({ kind: 'op', value: '(' }, ...body, { kind: 'op', value: ')' });
    } else {
      out.push(t);
    }
  }
  return out;
}
