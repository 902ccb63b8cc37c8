/**
 * `sysbind import win32`: importing the committed selection from the metadata
 * reproduces specs/win32/ byte for byte; a list of names imports just those
 * (with every type they need); `--select all` imports every namespace, and its
 * counts agree with a direct count of the metadata files; a name the metadata
 * lacks is an error at the selection's line. Needs the metadata folder
 * (../shared/win32metadata, or $SYSBIND_WIN32_METADATA); skips without it.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importWin32 } from '../../generator/import/win32/import-win32.js';
import { ROOT, runCli } from '../helpers/root.js';

const METADATA = process.env.SYSBIND_WIN32_METADATA ?? join(ROOT, '..', 'shared', 'win32metadata');
const present = existsSync(join(METADATA, 'api'));
if (!present && process.env.CI === 'true') throw new Error(`no Win32 metadata at ${METADATA} (set SYSBIND_WIN32_METADATA): required under CI`);
if (!present) console.warn(`skipping the Win32 importer tests: no Win32 metadata at ${METADATA} (set SYSBIND_WIN32_METADATA)`);

const scratch = () => mkdtempSync(join(tmpdir(), 'sysbind-win32-import-'));
const specFiles = (dir: string) => ['types.json', 'constants.json', ...readdirSync(join(dir, 'functions')).map((f) => `functions/${f}`)].sort();

describe.skipIf(!present)('sysbind import win32', () => {
  it('reproduces the committed specs/win32/ from the committed selection', () => {
    const out = scratch();
    importWin32({ root: ROOT, metadataDir: METADATA, select: join(ROOT, 'specs', 'win32', 'selection.yaml'), outDir: out });
    const committed = join(ROOT, 'specs', 'win32');
    expect(specFiles(out)).toEqual(specFiles(committed));
    for (const f of specFiles(out)) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(committed, f), 'utf8'));
  });

  it('imports a list of names with every type they refer to', () => {
    const out = scratch();
    const r = importWin32({ root: ROOT, metadataDir: METADATA, select: 'ReadFile,CloseHandle', outDir: out });
    expect(r.functions).toBe(2);
    const kernel32 = JSON.parse(readFileSync(join(out, 'functions', 'kernel32.json'), 'utf8')) as { functions: { name: string }[] };
    expect(kernel32.functions.map((f) => f.name)).toEqual(['CloseHandle', 'ReadFile']);
    const types = JSON.parse(readFileSync(join(out, 'types.json'), 'utf8')) as { records: { name: string }[]; typedefs: { name: string }[] };
    // ReadFile's OVERLAPPED, and the types CloseHandle and ReadFile name.
    expect(types.records.map((r) => r.name)).toContain('OVERLAPPED');
    expect(types.typedefs.map((t) => t.name)).toEqual(expect.arrayContaining(['BOOL', 'HANDLE']));
  });

  it('names the selection line of a function the metadata does not have', () => {
    const dir = scratch();
    const selection = join(dir, 'selection.yaml');
    const text = readFileSync(join(ROOT, 'specs', 'win32', 'selection.yaml'), 'utf8');
    writeFileSync(selection, text.replace('  - CreateFileW\n', '  - CreateFileWW\n'));
    const line = text.slice(0, text.indexOf('  - CreateFileW\n')).split('\n').length;
    expect(() => importWin32({ root: ROOT, metadataDir: METADATA, select: selection, outDir: dir })).toThrow(
      new RegExp(`selection\\.yaml:${line}: CreateFileWW is not in win32metadata`),
    );
  });

  it('imports all of it (--select all), quickly, with counts that match the metadata', () => {
    const out = scratch();
    const started = Date.now();
    const r = runCli(ROOT, ['import', 'win32', '--metadata', METADATA, '--select', 'all', '--out', out]);
    const ms = Date.now() - started;
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    // Count the metadata directly: every function, record and enum declaration (per-arch variants included),
    // and every constant whose value is a number or a string (PropertyKey values are not constants here).
    let functions = 0;
    let structs = 0;
    let enums = 0;
    let constants = 0;
    for (const f of readdirSync(join(METADATA, 'api'))) {
      const ns = JSON.parse(readFileSync(join(METADATA, 'api', f), 'utf8').replace(/^\uFEFF/, '')) as {
        Functions: unknown[];
        Types: { Kind: string }[];
        Constants: { Value: unknown }[];
      };
      functions += ns.Functions.length;
      structs += ns.Types.filter((t) => t.Kind === 'Struct').length;
      enums += ns.Types.filter((t) => t.Kind === 'Enum').length;
      constants += ns.Constants.filter((c) => typeof c.Value === 'number' || typeof c.Value === 'string').length;
    }
    const declared = 1; // RtlGetVersion, declared in the selection
    expect(r.stdout).toContain(`${functions + declared} functions from `);
    expect(r.stdout).toContain(` ${structs} structs, `);
    expect(r.stdout).toContain(` ${enums} enums `);
    expect(r.stdout).toContain(` ${constants} constants in `);
    expect(ms).toBeLessThan(60_000);
  });
});
