// The public surface of every generated target, as text: one line per exported
// name with its type as the TypeScript checker sees it (functions with every
// signature, classes with their members, namespaces such as `async` recursed).
// Where a declaration lives (which file, which runtime folder) does not show, so
// moving code between generated files or out of generator/ leaves it unchanged,
// while a renamed call or a changed parameter type does not.
//
//   npx tsx test/generator/api-surface.ts --write   records the surface in test/generator/api-surface/
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SURFACE_DIR = join(ROOT, 'test/generator/api-surface');

const FLAGS =
  ts.TypeFormatFlags.NoTruncation |
  ts.TypeFormatFlags.WriteArrowStyleSignature |
  ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;

/** The targets generated/ holds: every folder with an index.ts. */
export function generatedTargets(): string[] {
  return readdirSync(join(ROOT, 'generated'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && readdirSync(join(ROOT, 'generated', e.name)).includes('index.ts'))
    .map((e) => e.name)
    .sort();
}

/**
 * A union of number literals, in ascending order: the checker prints a union's
 * members in the order it first met each literal anywhere in the program, so
 * unrelated code (a `length !== 2` elsewhere) would reorder `1 | 2`.
 */
function literalUnion(type: ts.Type): string | null {
  if (!type.isUnion() || !type.types.every((t) => t.isNumberLiteral())) return null;
  return type.types.map((t) => (t as ts.NumberLiteralType).value).sort((a, b) => a - b).join(' | ');
}

/** Surface text per target (and `index` for the host package entry). */
export function apiSurfaces(targets = generatedTargets()): Map<string, string> {
  const entries = new Map(targets.map((t) => [t, join(ROOT, 'generated', t, 'index.ts')]));
  entries.set('index', join(ROOT, 'generated/index.ts'));
  const program = ts.createProgram([...entries.values()], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const out = new Map<string, string>();
  for (const [name, file] of entries) {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`api-surface: ${file} is not in the program`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`api-surface: ${file} is not a module`);
    const lines: string[] = [];
    describeExports(checker, moduleSymbol, '', lines, source);
    // Types declared elsewhere print as import("<absolute path>").Name: the path is where, not what.
    const text = lines.map((l) => l.replace(/import\("[^"]*"\)\./g, ''));
    out.set(name, text.sort().join('\n') + '\n');
  }
  return out;
}

function describeExports(checker: ts.TypeChecker, moduleSymbol: ts.Symbol, prefix: string, lines: string[], at: ts.Node): void {
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const name = prefix + exported.getName();
    if (symbol.flags & ts.SymbolFlags.ValueModule) {
      describeExports(checker, symbol, `${name}.`, lines, at);
      continue;
    }
    if (symbol.flags & ts.SymbolFlags.Class) describeClass(checker, symbol, name, lines, at);
    else if (symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable)) {
      const type = checker.getTypeOfSymbolAtLocation(symbol, at);
      const kind = symbol.flags & ts.SymbolFlags.Function ? 'function' : 'const';
      lines.push(`${kind} ${name}: ${checker.typeToString(type, at, FLAGS)}`);
    }
    if (symbol.flags & (ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Interface)) {
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      const shown = literalUnion(type) ?? checker.typeToString(type, at, FLAGS | ts.TypeFormatFlags.InTypeAlias);
      lines.push(`type ${name} = ${shown}`);
      if (symbol.flags & ts.SymbolFlags.Interface) describeMembers(checker, type, `${name}#`, lines, at);
    }
  }
}

function describeClass(checker: ts.TypeChecker, symbol: ts.Symbol, name: string, lines: string[], at: ts.Node): void {
  const staticSide = checker.getTypeOfSymbolAtLocation(symbol, at);
  const base = staticSide.getConstructSignatures()[0]?.getDeclaration()?.parent;
  const heritage = base && ts.isClassLike(base) ? base.heritageClauses?.map((h) => h.getText()).join(' ') : undefined;
  lines.push(`class ${name}${heritage ? ' ' + heritage : ''}`);
  for (const sig of staticSide.getConstructSignatures()) {
    lines.push(`class ${name} new${checker.signatureToString(sig, at, FLAGS)}`);
  }
  describeMembers(checker, staticSide, `${name}.`, lines, at, (p) => p.getName() !== 'prototype');
  describeMembers(checker, checker.getDeclaredTypeOfSymbol(symbol), `${name}#`, lines, at);
}

function describeMembers(
  checker: ts.TypeChecker,
  type: ts.Type,
  prefix: string,
  lines: string[],
  at: ts.Node,
  keep: (p: ts.Symbol) => boolean = () => true,
): void {
  for (const prop of checker.getPropertiesOfType(type)) {
    if (!keep(prop)) continue;
    const decl = prop.valueDeclaration ?? prop.declarations?.[0];
    const modifiers = decl ? ts.getCombinedModifierFlags(decl) : 0;
    if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    if (prop.getName().startsWith('#')) continue;
    const readonly = modifiers & ts.ModifierFlags.Readonly ? 'readonly ' : '';
    const propType = checker.getTypeOfSymbolAtLocation(prop, at);
    // Well-known symbols print as __@iterator@<checker-internal id>: name them as the source does.
    const name = prop.getName().replace(/^__@(\w+)@\d+$/, '[Symbol.$1]');
    lines.push(`  ${prefix}${readonly}${name}: ${checker.typeToString(propType, at, FLAGS)}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--write')) {
  mkdirSync(SURFACE_DIR, { recursive: true });
  for (const [name, text] of apiSurfaces()) writeFileSync(join(SURFACE_DIR, `${name}.txt`), text);
  console.log(`api surface written to ${SURFACE_DIR}`);
}
