/**
 * Imports record declarations from each Linux target's uapi headers into
 * specs/linux/types/uapi.yaml: clang parses the headers for the target
 * (`-Xclang -ast-dump=json`), and each record listed in
 * specs/linux/uapi-records.yaml is written as the compiler saw it, its field
 * types reduced through the headers' typedefs to C's own types. Records they
 * refer to are imported with them, or refer to the hand-written declaration of
 * specs/linux/types/*.yaml where there is one (by name, C name or kernel name).
 * Where targets declare a record differently, each group of agreeing targets
 * gets its own variant. Nothing here computes an offset: the layout engine
 * does, and `sysbind audit` holds every one to the target's compiler.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ImportError, ToolchainError } from '../../errors.js';
import { loadSpecFile } from '../../spec/source-file.js';
import type { Target } from '../../spec/targets.js';
import { writeFileAtomic } from '../../util/write-atomic.js';

interface AstNode {
  id: string;
  kind: string;
  name?: string;
  tagUsed?: 'struct' | 'union';
  completeDefinition?: boolean;
  isImplicit?: boolean;
  isBitfield?: boolean;
  value?: string;
  type?: { qualType: string; desugaredQualType?: string; typeAliasDeclId?: string };
  ownedTagDecl?: { id: string };
  decl?: { id: string };
  inner?: AstNode[];
}

/** A field as specs/linux/types writes it. */
type FieldOut = Record<string, string> | { name: string; type: string; bits?: number; align?: number; byteOrder?: 'big' | 'little' } | { type: string; bits: number } | { union: FieldOut[] } | { struct: FieldOut[] };

interface RecordOut {
  kind: 'struct' | 'union';
  cname: string | null;
  header: string;
  packed?: boolean;
  /** `__attribute__((aligned(N)))` on the record. */
  align?: number;
  fields: FieldOut[];
}

/** Keys of a field's full form in specs/linux/types. */
const SPEC_KEYS = new Set(['name', 'type', 'bits', 'align', 'packed', 'byteOrder', 'buffer', 'array', 'doc', 'union', 'struct']);

const PRIMS = new Set([
  'char', 'signed char', 'unsigned char', 'short', 'unsigned short', 'int', 'unsigned int', 'long', 'unsigned long',
  'long long', 'unsigned long long', 'float', 'double', '_Bool',
]);

/** The parsed headers of one target: records by tag and id, typedefs by name. */
class TargetAst {
  readonly byTag = new Map<string, AstNode>();
  readonly byId = new Map<string, AstNode>();
  readonly typedefs = new Map<string, AstNode>();

  constructor(root: AstNode) {
    const visit = (n: AstNode) => {
      this.byId.set(n.id, n);
      if (n.kind === 'RecordDecl' && n.name && n.completeDefinition) this.byTag.set(n.name, n);
      if (n.kind === 'TypedefDecl' && n.name) this.typedefs.set(n.name, n);
      for (const c of n.inner ?? []) visit(c);
    };
    visit(root);
  }

  /** The anonymous record a typedef names (`typedef struct { … } sigset_t`), if it does. */
  typedefRecord(name: string): AstNode | undefined {
    const find = (n: AstNode): AstNode | undefined => {
      const id = n.ownedTagDecl?.id ?? (n.kind === 'RecordType' ? n.decl?.id : undefined);
      if (id) return this.byId.get(id);
      if (n.kind === 'TypedefType' || n.kind === 'PointerType' || n.kind === 'ConstantArrayType') return undefined;
      for (const c of n.inner ?? []) {
        const r = find(c);
        if (r) return r;
      }
      return undefined;
    };
    const def = this.typedefs.get(name);
    if (!def) return undefined;
    const rec = find({ ...def, kind: 'Typedef' });
    return rec && rec.kind === 'RecordDecl' && !rec.name ? rec : undefined;
  }
}

function alignAttr(n: AstNode): number | undefined {
  const attr = (n.inner ?? []).find((c) => c.kind === 'AlignedAttr');
  if (!attr) return undefined;
  const lit = (x: AstNode): string | undefined => x.value ?? (x.inner ?? []).map(lit).find((v) => v !== undefined);
  const v = lit(attr);
  return v === undefined ? undefined : Number(v);
}

/** Turns one target's AST records into spec records; `known` maps tags to hand-written spec names. */
class RecordConverter {
  readonly out = new Map<string, RecordOut>();
  private readonly pending: { name: string; node: AstNode; cname: string | null }[] = [];

  constructor(
    private readonly ast: TargetAst,
    private readonly known: Map<string, string>,
    private readonly header: string,
    private readonly target: string,
  ) {}

  request(name: string): void {
    if (this.out.has(name) || this.known.has(name) || this.pending.some((p) => p.name === name)) return;
    const tagged = this.ast.byTag.get(name);
    const viaTypedef = tagged ? undefined : this.ast.typedefRecord(name);
    const node = tagged ?? viaTypedef;
    if (!node) throw new ImportError(`${this.target}: <${this.header}> declares no record '${name}'`);
    this.pending.push({ name, node, cname: tagged ? `${node.tagUsed} ${name}` : name });
  }

  run(): void {
    for (let p = this.pending.shift(); p; p = this.pending.shift()) {
      const placeholder: RecordOut = { kind: p.node.tagUsed!, cname: p.cname, header: this.header, fields: [] };
      this.out.set(p.name, placeholder);
      placeholder.fields = this.fields(p.name, p.node);
      if ((p.node.inner ?? []).some((c) => c.kind === 'PackedAttr')) placeholder.packed = true;
      const align = alignAttr(p.node);
      if (align !== undefined) placeholder.align = align;
    }
  }

  private fields(owner: string, rec: AstNode): FieldOut[] {
    const out: FieldOut[] = [];
    let lastAnon: AstNode | undefined;
    for (const c of rec.inner ?? []) {
      if (c.kind === 'RecordDecl') {
        if (!c.name) lastAnon = c;
        else if (c.completeDefinition) this.request(c.name);
        continue;
      }
      if (c.kind !== 'FieldDecl') continue;
      const qual = c.type!.qualType;
      const anonType = /\((unnamed|anonymous)( struct| union)? at /.test(qual);
      if (anonType && (c.isImplicit || !c.name)) {
        // An anonymous member: its fields belong to the enclosing record.
        out.push(lastAnon!.tagUsed === 'union' ? { union: this.fields(owner, lastAnon!) } : { struct: this.fields(owner, lastAnon!) });
        continue;
      }
      const bitsOf = (x: AstNode) => Number((x.inner ?? []).map(function lit(y: AstNode): string | undefined { return y.value ?? (y.inner ?? []).map(lit).find((v) => v !== undefined); }).find((v) => v !== undefined));
      if (!c.name) {
        // An unnamed bitfield: padding.
        out.push({ type: this.resolve(qual, `${owner}.<unnamed>`).text, bits: bitsOf(c) } as FieldOut);
        continue;
      }
      const name = c.name;
      let type: string;
      let align = alignAttr(c);
      let byteOrder: 'big' | 'little' | undefined;
      if (anonType) {
        // A named member of an anonymous record type: that record becomes <owner>_<member>.
        const lifted = `${owner}_${name}`;
        this.out.set(lifted, { kind: lastAnon!.tagUsed!, cname: null, header: this.header, fields: this.fields(lifted, lastAnon!) });
        type = `${lastAnon!.tagUsed} ${lifted}${/(\[\d*\])+$/.exec(qual)?.[0] ?? ''}`;
      } else {
        const r = this.resolve(qual, `${owner}.${name}`);
        type = r.text;
        align = align ?? r.align;
        // Only a scalar says its byte order (an array of __be16 is bytes to the accessors).
        if (r.byteOrder && !/\[/.test(r.text)) byteOrder = r.byteOrder;
      }
      const bits = c.isBitfield ? bitsOf(c) : undefined;
      // The `- name: type` shorthand cannot spell a field called name, type, union, …: those take the full form.
      const short = bits === undefined && align === undefined && byteOrder === undefined && !SPEC_KEYS.has(name);
      out.push(short ? { [name]: type } : { name, type, ...(bits !== undefined ? { bits } : {}), ...(align !== undefined ? { align } : {}), ...(byteOrder ? { byteOrder } : {}) });
    }
    return out;
  }

  /** A C type as clang prints it, reduced through typedefs to C's own types (pointers to `void *`). */
  private resolve(qualType: string, where: string, depth = 0): { text: string; align?: number; byteOrder?: 'big' | 'little' } {
    if (depth > 16) throw new ImportError(`${this.target}: ${where}: typedef chain too deep at '${qualType}'`);
    if (/\(\s*\*/.test(qualType)) return { text: 'void *' }; // a function pointer
    const m = /^(.*?)\s*((?:\[\d*\])*)$/.exec(qualType.replace(/\b(const|volatile)\b\s*/g, '').trim())!;
    let base = m[1]!.trim();
    const dims = m[2]!;
    if (base.endsWith('*')) return { text: `void *${dims}` };
    base = base.replace(/^(struct|union|enum) /, (k) => k);
    const tag = /^(struct|union) (\w+)$/.exec(base);
    if (tag) return { text: `${tag[1]} ${this.recordName(tag[2]!)}${dims}` };
    if (/^enum \w+$/.test(base)) return { text: `int${dims}` };
    if (PRIMS.has(base)) return { text: `${base}${dims}` };
    const def = this.ast.typedefs.get(base);
    if (!def) throw new ImportError(`${this.target}: ${where}: unknown type '${base}'`);
    // __be16/__be32/__be64 (and __le*) say the value's byte order: the accessors swap as needed.
    const order = /^__(be|le)(16|32|64)$/.exec(base)?.[1];
    const anon = this.ast.typedefRecord(base);
    if (anon) return { text: `${anon.tagUsed} ${this.recordName(base)}${dims}` };
    const inner = this.resolve(def.type!.desugaredQualType ?? def.type!.qualType, where, depth + 1);
    const own = /^(.*?)((?:\[\d*\])*)$/.exec(inner.text)!;
    // `T a[3]` of `typedef U T[2]` is U a[3][2].
    const byteOrder = order === 'be' ? 'big' : order === 'le' ? 'little' : inner.byteOrder;
    return { text: `${own[1]}${dims}${own[2]}`, align: alignAttr(def) ?? inner.align, ...(byteOrder ? { byteOrder } : {}) };
  }

  private recordName(tag: string): string {
    const known = this.known.get(tag);
    if (known) return known;
    this.request(tag);
    return tag;
  }
}

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 1 << 30, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 127) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Spec names of the hand-written records, by their own name, C tag and kernel names. */
function handWritten(typesDir: string): Map<string, string> {
  const known = new Map<string, string>();
  for (const f of readdirSync(typesDir).filter((x) => x.endsWith('.yaml') && x !== 'uapi.yaml')) {
    const data = parseYaml(readFileSync(join(typesDir, f), 'utf8')) as { structs?: Record<string, { cname?: string | null; kernelNames?: string[] }>; unions?: Record<string, { cname?: string | null }> };
    for (const [name, r] of Object.entries({ ...(data.structs ?? {}), ...(data.unions ?? {}) })) {
      known.set(name, name);
      const tag = /^(?:struct|union) (\w+)$/.exec(r.cname ?? '')?.[1];
      if (tag) known.set(tag, name);
      for (const k of (r as { kernelNames?: string[] }).kernelNames ?? []) known.set(k, name);
    }
  }
  return known;
}

/** A uapi-records.yaml entry: the header, or the header and the names kernel prototypes give the same layout. */
type RecordRequest = string | { header: string; kernelNames: string[] };

export interface RecordsSummary {
  records: number;
  /** Records with more than one variant (targets that disagree). */
  varying: number;
}

/** Imports the listed records for every Linux target and writes specs/linux/types/uapi.yaml. */
export async function importLinuxRecords(opts: { specsDir: string; targets: readonly Target[]; log: (l: string) => void }): Promise<RecordsSummary> {
  const list = loadSpecFile<{ records: Record<string, RecordRequest> }>(join(opts.specsDir, 'linux', 'uapi-records.yaml'), {
    type: 'object',
    additionalProperties: false,
    required: ['records'],
    properties: {
      records: {
        type: 'object',
        additionalProperties: {
          anyOf: [
            { type: 'string' },
            { type: 'object', additionalProperties: false, required: ['header', 'kernelNames'], properties: { header: { type: 'string' }, kernelNames: { type: 'array', minItems: 1, items: { type: 'string' } } } },
          ],
        },
      },
    },
  });
  const requested = Object.entries(list.data.records).map(([name, r]): [string, string] => [name, typeof r === 'string' ? r : r.header]);
  const kernelNames = new Map(Object.entries(list.data.records).flatMap(([name, r]) => (typeof r === 'string' ? [] : [[name, r.kernelNames] as const])));
  const known = handWritten(join(opts.specsDir, 'linux', 'types'));
  const headers = [...new Set(requested.map(([, h]) => h))];
  const dir = await mkdtemp(join(tmpdir(), 'sysbind-records-'));
  const perTarget = new Map<string, Map<string, RecordOut>>();
  try {
    // One translation unit per header: some uapi headers pull in glibc's (linux/if.h
    // includes sys/socket.h), which cannot meet the others' in one unit.
    const sources = new Map<string, string>();
    for (const [i, h] of headers.entries()) {
      const source = join(dir, `records-${i}.c`);
      await writeFile(source, `#define _GNU_SOURCE 1\n#include <${h}>\n`);
      sources.set(h, source);
    }
    const linux = opts.targets.filter((t) => t.platform === 'linux');
    for (const t of linux) perTarget.set(t.name, new Map());
    // Two at a time (two cores); each unit's AST is a few MB of JSON.
    const jobs = linux.flatMap((t) => headers.map((h) => ({ t, h })));
    const asts = new Map<string, TargetAst>();
    const worker = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const r = await run('clang', [`--target=${job.t.clangTarget}`, '-fsyntax-only', '-Xclang', '-ast-dump=json', sources.get(job.h)!]);
        if (r.code === 127) throw new ToolchainError('clang is needed to import records (apt-get install clang)');
        if (r.code !== 0) throw new ImportError(`${job.t.name}: clang cannot parse <${job.h}>:\n${r.stderr.trim()}`);
        asts.set(`${job.t.name}\0${job.h}`, new TargetAst(JSON.parse(r.stdout) as AstNode));
      }
    };
    await Promise.all([worker(), worker()]);
    for (const t of linux) {
      const records = perTarget.get(t.name)!;
      for (const [name, header] of requested) {
        if (known.has(name)) throw new ImportError(`specs/linux/uapi-records.yaml: '${name}' is declared by hand in specs/linux/types; remove one`);
        const ast = asts.get(`${t.name}\0${header}`)!;
        // Some records are not on every target (powerpc has no termios2): that target goes without.
        if (!ast.byTag.has(name) && !ast.typedefRecord(name)) continue;
        const conv = new RecordConverter(ast, known, header, t.name);
        conv.request(name);
        conv.run();
        for (const [n, rec] of conv.out) if (!records.has(n)) records.set(n, rec);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  for (const [name] of requested) {
    if (![...perTarget.values()].some((m) => m.has(name))) throw new ImportError(`specs/linux/uapi-records.yaml: no target's headers declare '${name}'`);
  }
  const { text, summary } = mergeTargets(perTarget, kernelNames);
  writeFileAtomic(join(opts.specsDir, 'linux', 'types', 'uapi.yaml'), text);
  opts.log(`records: ${summary.records} from the uapi headers (${summary.varying} differ between targets) -> specs/linux/types/uapi.yaml`);
  return summary;
}

/** One declaration where every target agrees; otherwise a variant per group of agreeing targets. */
function mergeTargets(perTarget: Map<string, Map<string, RecordOut>>, kernelNames: ReadonlyMap<string, readonly string[]>): { text: string; summary: RecordsSummary } {
  const targets = [...perTarget.keys()].sort();
  const names = [...new Set([...perTarget.values()].flatMap((m) => [...m.keys()]))].sort();
  const structs: Record<string, unknown> = {};
  const unions: Record<string, unknown> = {};
  let varying = 0;
  for (const name of names) {
    const groups = new Map<string, { rec: RecordOut; targets: string[] }>();
    for (const t of targets) {
      const rec = perTarget.get(t)!.get(name);
      if (!rec) continue;
      const key = JSON.stringify([rec.fields, rec.packed ?? false, rec.align ?? 0]);
      const g = groups.get(key) ?? { rec, targets: [] };
      g.targets.push(t);
      groups.set(key, g);
    }
    const first = [...groups.values()][0]!.rec;
    const all = [...groups.values()];
    const covered = all.reduce((n, g) => n + g.targets.length, 0);
    const body = (r: RecordOut) => ({ ...(r.packed ? { packed: true } : {}), ...(r.align ? { align: r.align } : {}), fields: r.fields });
    const entry: Record<string, unknown> = { cname: first.cname, header: first.header, ...(kernelNames.has(name) ? { kernelNames: kernelNames.get(name) } : {}) };
    if (all.length === 1 && covered === targets.length) Object.assign(entry, body(first));
    else {
      varying++;
      entry.variants = all.map((g) => ({ when: g.targets, ...body(g.rec) }));
    }
    (first.kind === 'union' ? unions : structs)[name] = entry;
  }
  const header = [
    '# Generated by `sysbind import linux` from each target\'s uapi headers (clang\'s AST of them),',
    '# for the records specs/linux/uapi-records.yaml lists and those they refer to. Do not edit:',
    '# declare a record by hand in another file of this folder to override it.',
  ].join('\n');
  const text = `${header}\n${stringifyYaml({ structs, unions }, { lineWidth: 0, flowCollectionPadding: false })}`;
  return { text, summary: { records: names.length, varying } };
}
