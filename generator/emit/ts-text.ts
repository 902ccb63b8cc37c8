/**
 * Small helpers for emitting TypeScript as text: literals, doc comments, and
 * the parse-and-format step every generated .ts file goes through.
 */
import { IndentationText, Project, QuoteKind, ts } from 'ts-morph';
import { EmitError } from '../errors.js';

/** A single-quoted TypeScript string literal. */
/** One emitted TypeScript file. */
export interface EmittedFile {
  name: string;
  text: string;
  /**
   * Set on a file that depends on nothing target-bound (no addon, no struct
   * layout): the sibling files it imports. Such a file is emitted once for
   * every target whose copy is identical (render/shared-files.ts).
   */
  siblings?: string[];
}

export function str(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

export function doc(lines: string[]): string {
  const body = lines.flatMap((l) => l.split('\n'));
  if (body.length === 1) return `/** ${body[0]!.replace(/\*\//g, '* /')} */`;
  return ['/**', ...body.map((l) => ` * ${l.replace(/\*\//g, '* /')}`.trimEnd()), ' */'].join('\n');
}

/** Parses and formats one file; a syntax error is a generator bug reported with the file name. */
export function formatTs(name: string, text: string): string {
  const p = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
  });
  const f = p.createSourceFile(name, text);
  const diags = (f.compilerNode as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  if (diags.length > 0) {
    const d = diags[0]!;
    const { line } = f.getLineAndColumnAtPos(d.start ?? 0);
    throw new EmitError(`generated ${name} does not parse at line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  f.formatText({ indentSize: 2, convertTabsToSpaces: true, semicolons: ts.SemicolonPreference.Insert });
  return f.getFullText();
}

/** Named imports limited to the names the body's code (not its comments) uses. */
export function importUsed(names: Iterable<string>, from: string, body: string, typeOnly = false): string {
  const code = body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const used = [...new Set(names)].filter((n) => new RegExp(`\\b${n}\\b`).test(code)).sort();
  if (used.length === 0) return '';
  return `import ${typeOnly ? 'type ' : ''}{ ${used.join(', ')} } from ${str(from)};`;
}
