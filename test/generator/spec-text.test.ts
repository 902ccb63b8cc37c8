/**
 * The two fast paths of reading and writing text: JSON specs are read with
 * JSON.parse and jsonc-parser (not the YAML parser), and the Win32 API is
 * indented by its brackets (not by ts-morph's formatter). Each is checked
 * against the slow, independent path it replaces.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpecText } from '../../generator/spec/source-file.js';
import { formatTs, reindentTs } from '../../generator/emit/ts-text.js';
import { SpecError } from '../../generator/errors.js';

/** Every JSON path in a value, depth first. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

describe('JSON specs', () => {
  // YAML is a superset of JSON: the YAML reader, which YAML specs use, is the reference.
  for (const file of ['specs/win32/functions/advapi32.json', 'specs/linux/constants/linux-x64.json']) {
    it(`${file}: the same data and the same line for every path as the YAML reader`, () => {
      const text = readFileSync(file, 'utf8');
      const json = parseSpecText<unknown>(text, file, {});
      const yaml = parseSpecText<unknown>(text, file.replace(/\.json$/, '.yaml'), {});
      expect(json.data).toEqual(yaml.data);
      const all = paths(json.data);
      expect(all.length).toBeGreaterThan(1000);
      const differing = all.filter((p) => json.lineOf(p) !== yaml.lineOf(p)).slice(0, 5);
      expect(differing.map((p) => [p.join('/'), json.lineOf(p), yaml.lineOf(p)])).toEqual([]);
      // A path that goes past the data reports its deepest existing node, as in YAML.
      const deep = all.at(-1)!;
      expect(json.lineOf([...deep, 'missing', 3])).toBe(yaml.lineOf([...deep, 'missing', 3]));
    });
  }

  it('a duplicate key is an error at its line', () => {
    const text = '{\n  "a": 1,\n  "b": {\n    "c": 2,\n    "c": 3\n  }\n}\n';
    expect(() => parseSpecText(text, 'dup.json', {})).toThrow(SpecError);
    expect(() => parseSpecText(text, 'dup.json', {})).toThrow(/dup\.json:5.*duplicate key 'c'/);
  });

  it('malformed JSON names its line', () => {
    expect(() => parseSpecText('{\n  "a": 1,\n  "b" 2\n}\n', 'bad.json', {})).toThrow(/bad\.json:3.*malformed JSON/);
  });

  it('a schema error names the line of the offending value', () => {
    const schema = { type: 'object', properties: { a: { type: 'object', properties: { n: { type: 'integer' } } } } };
    expect(() => parseSpecText('{\n  "a": {\n    "n": "x"\n  }\n}\n', 's.json', schema)).toThrow(/s\.json:3/);
  });
});

describe('reindentTs', () => {
  // The generated files are the formatter's input shape: one statement or member per line.
  for (const file of ['generated/win32-x64/kernel32.ts', 'generated/win32-x64/structs.ts', 'generated/win32-x64/native.ts']) {
    it(`${file}: flattened, then re-indented, equals ts-morph's formatting`, () => {
      const flat = readFileSync(file, 'utf8').split('\n').map((l) => l.trimStart()).join('\n');
      // The formatter also ends a one-line type literal's last member with ';' (`{ a: T; }`); indentation is what is compared.
      const lastSemicolon = (t: string) => t.replace(/; \}/g, ' }');
      expect(lastSemicolon(reindentTs('x.ts', flat))).toBe(lastSemicolon(formatTs('x.ts', flat)));
    });
  }

  it('keeps template literal lines and shifts block comments with their first line', () => {
    const text = 'function f() {\nconst s = `a\n  b ${g({\nx: 1,\n})} c\nd`;\n/**\n * doc\n */\nreturn s;\n}\n';
    expect(reindentTs('t.ts', text)).toBe(formatTs('t.ts', text));
  });

  it('a file that does not parse is an error naming it and its line', () => {
    expect(() => reindentTs('broken.ts', 'const a = 1;\nfunction (\n')).toThrow(/broken\.ts does not parse at line 2/);
  });
});
