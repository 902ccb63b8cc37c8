/**
 * Reads a YAML or JSON spec file, validates it against a JSON Schema, and keeps
 * enough of the parse to turn any JSON path back into a line number, so every
 * later error can say `file:line`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Document, isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
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
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? lines.linePos(e.pos[0]).line;
    throw new SpecError(`malformed ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0]}`, {
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
