/**
 * Emits the TypeScript API of a Linux target with ts-morph: constants, the
 * errno table, struct classes, the native interface, sync and async syscall
 * wrappers, and an index. ts-morph formats every file, so output is always
 * valid, consistently formatted TypeScript.
 */
import { IndentationText, Project, QuoteKind, VariableDeclarationKind, type SourceFile } from 'ts-morph';
import type { LinuxTargetModel } from '../spec/linux-model.js';
import type { SyscallModel } from '../model/syscall.js';
import { fieldAccessor, layoutOf } from './ts-structs.js';
import { planCall, renderFallbacks, renderParams } from './ts-calls.js';

/** Path from generated/<target>/ to the hand-written runtime. */
const RUNTIME = '../../generator/runtime';

export interface EmittedFile {
  name: string;
  text: string;
}

function newProject(): Project {
  return new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single, useTrailingCommas: true },
  });
}

function finish(file: SourceFile, banner: string): string {
  file.insertStatements(0, `// ${banner}\n`);
  file.formatText({ indentSize: 2, convertTabsToSpaces: true, semicolons: 'insert' as never });
  return file.getFullText();
}

function constantValue(v: number | string): string {
  return typeof v === 'number' ? String(v) : `${v}n`;
}

function emitConstants(p: Project, model: LinuxTargetModel): SourceFile {
  const f = p.createSourceFile('constants.ts');
  for (const fam of model.constants) {
    f.addStatements(`\n// ---- ${fam.name}: from ${fam.headers.join(', ')} (${fam.follows === 'kernel' ? "the kernel's uapi values" : "glibc's values, which are the kernel ABI"}) ----`);
    for (const c of fam.constants) {
      f.addVariableStatement({
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        declarations: [{ name: c.name, initializer: constantValue(c.value) }],
        docs: c.description || c.alias ? [[c.description, c.alias ? `Alias of ${c.alias}.` : ''].filter(Boolean).join(' ')] : undefined,
      });
    }
  }
  return f;
}

function emitErrno(p: Project, model: LinuxTargetModel): SourceFile {
  const f = p.createSourceFile('errno.ts');
  f.addImportDeclaration({ moduleSpecifier: `${RUNTIME}/errors.js`, namedImports: ['errorFactory', 'type ErrnoTable'] });
  const errno = model.constants.find((c) => c.name === 'errno');
  const rows = new Map<number, [string, string]>();
  for (const c of errno?.constants ?? []) {
    if (c.alias || typeof c.value !== 'number' || rows.has(c.value)) continue;
    rows.set(c.value, [c.name, c.description ?? c.name]);
  }
  const entries = [...rows.entries()].sort((a, b) => a[0] - b[0]);
  f.addStatements([
    '/** errno number → [name, description] for this target (names differ per arch: mips numbers its own). */',
    `export const errnoTable: ErrnoTable = new Map([\n${entries.map(([n, [name, d]]) => `[${n}, [${JSON.stringify(name)}, ${JSON.stringify(d)}]],`).join('\n')}\n]);`,
    'export const syscallError = errorFactory(errnoTable);',
  ]);
  return f;
}

function emitStructs(p: Project, model: LinuxTargetModel): SourceFile {
  const f = p.createSourceFile('structs.ts');
  f.addImportDeclaration({
    moduleSpecifier: `${RUNTIME}/struct.js`,
    namedImports: ['Struct', 'StructArray', 'checkInt', 'checkBigInt', 'checkFloat', 'readCString', 'writeCString', 'writeBytes', 'writeStruct'],
  });
  f.addImportDeclaration({ moduleSpecifier: `${RUNTIME}/errors.js`, namedImports: ['argTypeError'] });
  f.addImportDeclaration({ moduleSpecifier: './native.js', namedImports: ['native'] });
  for (const s of model.structs) {
    const layout = layoutOf(model, s);
    const cls = f.addClass({
      name: s.tsName,
      isExported: true,
      extends: 'Struct',
      docs: [`${s.cname ?? `${s.kind} ${s.name}`} on ${model.target.name}: ${layout.size} bytes, aligned to ${layout.align}.${s.doc ? `\n${s.doc}` : ''}`],
    });
    cls.addProperty({ name: 'size', isStatic: true, isReadonly: true, initializer: String(layout.size) });
    cls.addProperty({ name: 'alignment', isStatic: true, isReadonly: true, initializer: String(layout.align) });
    cls.addConstructor({
      parameters: [{ name: 'bytes', type: 'Uint8Array', hasQuestionToken: true }],
      statements: [`super(${layout.size}, bytes);`],
      docs: ['A zeroed struct, or a view over `bytes` (at least `size` bytes; changes write through).'],
    });
    const exposed: string[] = [];
    for (const field of layout.fields) {
      const acc = fieldAccessor(model, s, field);
      if (!acc) continue;
      exposed.push(field.name);
      const doc = `${describeType(field)} at offset ${field.offset}${field.bits !== undefined ? `, bits ${field.bitOffset}..${(field.bitOffset ?? 0) + field.bits - 1}` : ''}.`;
      cls.addGetAccessor({ name: field.name, returnType: acc.tsType, statements: [acc.get], docs: [doc] });
      if (acc.set) cls.addSetAccessor({ name: field.name, parameters: [{ name: 'v', type: acc.setType ?? acc.tsType }], statements: [acc.set] });
    }
    cls.addMethod({
      name: 'toJSON',
      returnType: 'Record<string, unknown>',
      statements: [`return { ${exposed.map((n) => `${n}: this.${n}`).join(', ')} };`],
      docs: ['Every field as a plain object (for printing and tests).'],
    });
    cls.addMethod({
      name: 'of',
      isStatic: true,
      parameters: [{ name: 'fields', type: `Partial<Omit<${s.tsName}, 'bytes' | 'toJSON'>>` }],
      returnType: s.tsName,
      statements: [`return Object.assign(new ${s.tsName}(), fields);`],
      docs: ['A new struct with the given fields set (the rest zero).'],
    });
  }
  return f;
}

function describeType(f: { type: { kind: string }; size: number }): string {
  return `${f.type.kind === 'prim' ? (f.type as { name: string }).name : f.type.kind} (${f.size} bytes)`;
}

function structImports(model: LinuxTargetModel): string[] {
  return model.structs.map((s) => s.tsName);
}

function emitNative(p: Project, model: LinuxTargetModel): SourceFile {
  const f = p.createSourceFile('native.ts');
  f.addImportDeclaration({ moduleSpecifier: `${RUNTIME}/native-loader.js`, namedImports: ['loadNative'] });
  f.addImportDeclaration({ moduleSpecifier: `${RUNTIME}/args.js`, namedImports: ['type Bytes'] });
  const iface = f.addInterface({ name: 'Native', isExported: true, docs: ['The C++ addon: raw results (negative = -errno), no ergonomics.'] });
  for (const s of model.syscalls) {
    const plan = planCall(s);
    const params = plan.nativeParamTypes.map((x) => ({ name: x.name, type: x.type }));
    iface.addMethod({ name: s.name, parameters: params, returnType: plan.nativeReturn });
    if (s.blocking) iface.addMethod({ name: `${s.name}_async`, parameters: params, returnType: `Promise<${plan.nativeReturn}>` });
  }
  iface.addMethod({ name: 'addressOf', parameters: [{ name: 'buffer', type: 'Bytes' }], returnType: 'bigint' });
  iface.addMethod({ name: 'unsafe_syscall', parameters: [{ name: 'nr', type: 'number' }, { name: 'args', type: '(number | bigint)[]', isRestParameter: true }], returnType: 'bigint' });
  iface.addProperty({ name: 'target', type: 'string', isReadonly: true });
  f.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'native', type: 'Native', initializer: `loadNative<Native>(${JSON.stringify(model.target.name)})` }],
  });
  return f;
}

function wrapperDoc(model: LinuxTargetModel, s: SyscallModel, isAsync: boolean): string {
  const lines = [`${s.name}(2): syscall ${s.nr} on ${model.target.name} (kernel entry ${s.entry}).`];
  if (s.doc) lines.push(s.doc);
  if (!isAsync && s.blocking) lines.push(`Blocking: \`async.${s.name}\` runs it on the libuv thread pool.`);
  lines.push('@throws SyscallError when the kernel returns an error.');
  return lines.join('\n');
}

function emitWrappers(p: Project, model: LinuxTargetModel, isAsync: boolean): SourceFile {
  const f = p.createSourceFile(isAsync ? 'async.ts' : 'syscalls.ts');
  const calls = model.syscalls.filter((s) => !isAsync || s.blocking);
  f.addImportDeclaration({ moduleSpecifier: './native.js', namedImports: ['native'] });
  f.addImportDeclaration({ moduleSpecifier: './errno.js', namedImports: ['syscallError'] });
  f.addImportDeclaration({ moduleSpecifier: `${RUNTIME}/args.js`, namedImports: ['arrayBytes', 'structBytes', 'type Bytes'] });
  f.addImportDeclaration({ moduleSpecifier: `${RUNTIME}/struct.js`, namedImports: ['type StructArray'] });
  f.addImportDeclaration({ moduleSpecifier: './structs.js', namedImports: structImports(model) });
  for (const s of calls) {
    const plan = planCall(s);
    const call = `native.${s.name}${isAsync ? '_async' : ''}(${plan.nativeArgs.join(', ')})`;
    f.addStatements(
      [
        `/** ${wrapperDoc(model, s, isAsync).split('\n').join('\n * ')} */`,
        `export ${isAsync ? 'async ' : ''}function ${s.name}(${renderParams(plan)}): ${isAsync ? `Promise<${plan.returnType}>` : plan.returnType} {`,
        ...renderFallbacks(plan),
        ...plan.prelude,
        `const r = ${isAsync ? 'await ' : ''}${call};`,
        ...plan.epilogue,
        '}',
      ].join('\n'),
    );
  }
  f.fixUnusedIdentifiers();
  return f;
}

function emitIndex(p: Project, model: LinuxTargetModel): SourceFile {
  const f = p.createSourceFile('index.ts');
  f.addStatements([
    `/** The target this module binds. */`,
    `export const target = ${JSON.stringify(model.target.name)};`,
    `export * from './constants.js';`,
    `export * from './structs.js';`,
    `export * from './syscalls.js';`,
    `export * as async from './async.js';`,
    `export { errnoTable } from './errno.js';`,
    `export { SyscallError } from '${RUNTIME}/errors.js';`,
    `export { Struct, StructArray } from '${RUNTIME}/struct.js';`,
    `import { native } from './native.js';`,
    `/**`,
    ` * Any syscall by number with raw integer arguments (addresses included): nothing`,
    ` * is checked, so a wrong pointer can crash the process. Returns the raw result,`,
    ` * or -errno, as a bigint.`,
    ` */`,
    `export function unsafe_syscall(nr: number, ...args: (number | bigint)[]): bigint {`,
    `  return native.unsafe_syscall(nr, ...args);`,
    `}`,
  ]);
  return f;
}

export function emitTsApi(model: LinuxTargetModel, banner: string): EmittedFile[] {
  const p = newProject();
  const files = [
    emitConstants(p, model),
    emitErrno(p, model),
    emitStructs(p, model),
    emitNative(p, model),
    emitWrappers(p, model, false),
    emitWrappers(p, model, true),
    emitIndex(p, model),
  ];
  return files.map((file) => ({ name: file.getBaseName(), text: finish(file, banner) }));
}
