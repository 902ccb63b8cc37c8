/**
 * Reads a YAML or JSON spec file, validates it against a JSON Schema, and keeps
 * enough of the parse to turn any JSON path back into a line number, so every
 * later error can say `file:line`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { isAlias, isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { SpecError, type Place } from '../errors.js';

export interface SourceFile<T> {
  /** Path as shown to users (relative to the working directory). */
  file: string;
  data: T;
  /** Line (1-based) of the value at a JSON path such as ['syscalls', 'read', 'nr']. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  /** A Place for error messages at that path. */
  at(path: readonly (string | number)[]): Place;
}

const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** Parse text already read; exposed for tests and for importers that validate what they write. */
export function parseSpecText<T>(text: string, file: string, schema: object): SourceFile<T> {
  const shown = displayPath(file);
  const { data, lineOf } = file.endsWith('.json') ? parseJson<T>(text, shown) : parseYaml<T>(text, shown);
  const at = (path: readonly (string | number)[]): Place => {
    const line = lineOf(path);
    return line === undefined ? { file: shown, path: '/' + path.join('/') } : { file: shown, line };
  };

  const validate = validatorFor(schema);
  if (!validate(data)) {
    throw schemaError(validate.errors ?? [], at);
  }
  return { file: shown, data, lineOf, at };
}

interface Parsed<T> {
  data: T;
  lineOf(path: readonly (string | number)[]): number | undefined;
}

/** Line numbers of a text: the start offset of each line. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * JSON specs are the importers' output (megabytes of Win32 metadata, constants):
 * JSON.parse gives the data and jsonc-parser's tree gives the lines, five times
 * faster than the YAML parser reading the same text. Duplicate keys are errors,
 * as they are in YAML specs.
 */
function parseJson<T>(text: string, shown: string): Parsed<T> {
  const starts = lineStarts(text);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !root) {
    const e = errors[0];
    throw new SpecError(`malformed JSON: ${e ? printParseErrorCode(e.error) : 'empty file'}`, {
      file: shown,
      line: lineAt(starts, e?.offset ?? 0),
    });
  }
  checkDuplicateKeys(root, shown, starts);
  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    // The deepest node that exists on the path, as the YAML reader reports.
    for (let n = path.length; n >= 0; n--) {
      const node = findNodeAtLocation(root, path.slice(0, n) as (string | number)[]);
      if (node) return lineAt(starts, node.parent?.type === 'property' ? node.parent.offset : node.offset);
    }
    return undefined;
  };
  return { data: JSON.parse(text) as T, lineOf };
}

function checkDuplicateKeys(root: JsonNode, shown: string, starts: number[]): void {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const prop of node.children ?? []) {
        const key = String(prop.children?.[0]?.value);
        if (seen.has(key)) throw new SpecError(`malformed JSON: duplicate key '${key}'`, { file: shown, line: lineAt(starts, prop.offset) });
        seen.add(key);
      }
    }
    for (const child of node.children ?? []) if (child.type === 'object' || child.type === 'array' || child.type === 'property') stack.push(child);
  }
}

function parseYaml<T>(text: string, shown: string): Parsed<T> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line;
    throw new SpecError(`malformed YAML: ${e.message.split('\n')[0]}`, {
      file: shown,
      line,
    });
  }
  const data = doc.toJS({ maxAliasCount: 100 }) as T;

  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    // Walk down as far as the path exists; report the deepest node found.
    let node: unknown = doc.contents;
    let best: Node | undefined = doc.contents ?? undefined;
    for (const key of path) {
      // Through an alias (`params: *selectSets`) to what its anchor names: errors point at the definition.
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown })?.value ?? p.key) === String(key));
        if (!pair) break;
        best = (pair.key as Node) ?? best;
        node = pair.value;
        if (pair.value && (pair.value as Node).range) best = pair.value as Node;
      } else if (isSeq(node)) {
        const item = node.items[Number(key)];
        if (item === undefined) break;
        node = item;
        if ((item as Node).range) best = item as Node;
      } else break;
    }
    const start = best?.range?.[0];
    return start === undefined ? undefined : lines.linePos(start).line;
  };
  return { data, lineOf };
}

export function loadSpecFile<T>(file: string, schema: object): SourceFile<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SpecError(`cannot read spec file: ${(e as Error).message}`, { file: displayPath(file) });
  }
  return parseSpecText<T>(text, file, schema);
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '(top level)';
  switch (e.keyword) {
    case 'additionalProperties':
      return `unknown key '${(e.params as { additionalProperty: string }).additionalProperty}' in ${where}`;
    case 'required':
      return `missing required key '${(e.params as { missingProperty: string }).missingProperty}' in ${where}`;
    case 'enum':
      return `${where} ${e.message}: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    default:
      return `${where} ${e.message}`;
  }
}

function schemaError(errors: ErrorObject[], at: (p: (string | number)[]) => Place): SpecError {
  // Report the most specific error: the one with the deepest instance path.
  const sorted = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length);
  const first = sorted[0]!;
  const path = first.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (first.keyword === 'additionalProperties') path.push((first.params as { additionalProperty: string }).additionalProperty);
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more schema error${errors.length > 2 ? 's' : ''})` : '';
  return new SpecError(`${describe(first)}${more}`, at(path));
}
