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
  throwOnParseError(name, f.compilerNode);
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

/**
 * Re-indents generated TypeScript by its brackets, with TypeScript's own scanner
 * (so strings, template literals and comments are read as they are), and checks
 * that the file parses. For emitters whose text is one statement or member per
 * line, this gives what `formatTs` gives at a fraction of its cost: the Win32
 * API is ~55,000 lines per target, and ts-morph's formatter was most of its
 * generation time. A line's indent is two spaces past the line that opened the
 * innermost bracket still open; a line starting with a closer takes its opener's
 * line indent. Lines inside a template literal are kept as written; the lines of
 * a block comment keep their indent relative to the comment's first line.
 */
export function reindentTs(name: string, text: string): string {
  checkParses(name, text);
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const opened: { template: boolean; indent: number }[] = [];
  const out: string[] = [];
  let lineStart = true;
  let lineIndent = 0;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.CloseBraceToken && opened.at(-1)?.template) {
      kind = scanner.reScanTemplateToken(false);
    }
    const token = scanner.getTokenText();
    if (kind === ts.SyntaxKind.NewLineTrivia) {
      out.push('\n');
      lineStart = true;
      continue;
    }
    if (kind === ts.SyntaxKind.WhitespaceTrivia) {
      if (!lineStart) out.push(token);
      continue;
    }
    if (lineStart) {
      const closes = kind === ts.SyntaxKind.CloseBraceToken || kind === ts.SyntaxKind.CloseParenToken ||
        kind === ts.SyntaxKind.CloseBracketToken || kind === ts.SyntaxKind.TemplateMiddle || kind === ts.SyntaxKind.TemplateTail;
      const top = opened.at(-1);
      lineIndent = top === undefined ? 0 : closes ? top.indent : top.indent + 2;
      out.push(' '.repeat(lineIndent));
      lineStart = false;
    }
    switch (kind) {
      case ts.SyntaxKind.OpenBraceToken:
      case ts.SyntaxKind.OpenParenToken:
      case ts.SyntaxKind.OpenBracketToken:
        opened.push({ template: false, indent: lineIndent });
        break;
      case ts.SyntaxKind.TemplateHead:
        opened.push({ template: true, indent: lineIndent });
        break;
      case ts.SyntaxKind.CloseBraceToken:
      case ts.SyntaxKind.CloseParenToken:
      case ts.SyntaxKind.CloseBracketToken:
      case ts.SyntaxKind.TemplateTail:
        opened.pop();
        break;
      case ts.SyntaxKind.MultiLineCommentTrivia:
        out.push(reindentComment(token, lineIndent, text, scanner.getTokenStart()));
        continue;
    }
    // A template's text may span lines: kept as written.
    out.push(token);
  }
  return out.join('').replace(/[ \t]+$/gm, '');
}

/** The comment's later lines moved by as much as its first line moved. */
function reindentComment(comment: string, indent: number, text: string, start: number): string {
  const lineBegin = text.lastIndexOf('\n', start - 1) + 1;
  const shift = indent - (start - lineBegin);
  return comment
    .split('\n')
    .map((line, i) => {
      if (i === 0) return line;
      const lead = line.length - line.trimStart().length;
      return ' '.repeat(Math.max(0, lead + shift)) + line.trimStart();
    })
    .join('\n');
}

function checkParses(name: string, text: string): void {
  throwOnParseError(name, ts.createSourceFile(name, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
}

/** A syntax error in generated text is a generator bug: reported with the file name and line. */
function throwOnParseError(name: string, f: ts.SourceFile): void {
  const diags = (f as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  if (diags.length > 0) {
    const d = diags[0]!;
    const { line } = f.getLineAndCharacterOfPosition(d.start ?? 0);
    throw new EmitError(`generated ${name} does not parse at line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
}
