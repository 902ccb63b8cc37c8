/**
 * Broken Win32 specs stop generation with `file:line: what is wrong`: an
 * override or convention that matches nothing, an override that changes
 * nothing, a convention where the metadata is not silent, a function left
 * without a failure convention, a pointer the metadata gives no size for,
 * schema errors, and headers.yaml entries naming nothing. Through the CLI, exit
 * code 2 and an untouched generated/.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTargets } from '../../generator/spec/targets.js';
import { buildWin32Model } from '../../generator/spec/win32-model.js';
import { loadWin32Specs } from '../../generator/spec/win32-specs.js';
import { ROOT, runCli, scratchRoot, treeHashes } from '../helpers/root.js';

const target = loadTargets(join(ROOT, 'specs')).get('win32-x64');

/** A copy of specs/ with `file` edited (from → to); returns the specs folder and the edited line. */
function broken(file: string, from: string, to: string): { specs: string; line: number } {
  const specs = join(mkdtempSync(join(tmpdir(), 'sysbind-win32-specs-')), 'specs');
  cpSync(join(ROOT, 'specs'), specs, { recursive: true });
  const path = join(specs, 'win32', file);
  const text = readFileSync(path, 'utf8');
  expect(text.includes(from), `${file} contains ${JSON.stringify(from)}`).toBe(true);
  writeFileSync(path, text.replace(from, to));
  return { specs, line: text.slice(0, text.indexOf(from)).split('\n').length };
}

function errorOf(specs: string): string {
  try {
    buildWin32Model(loadWin32Specs(specs), target);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('broken Win32 specs', () => {
  it('an override for a function that is not there', () => {
    const { specs, line } = broken('selection.yaml', '  GetLastError:\n    failure: none', '  GetLastErrorX:\n    failure: none');
    expect(errorOf(specs)).toMatch(new RegExp(`selection\\.yaml:${line + 1}: overrides: 'GetLastErrorX' matches no imported function$`));
  });

  it('an override that says what the metadata already says', () => {
    const { specs, line } = broken('selection.yaml', '  GetLastError:\n    failure: none', '  GetLastError:\n    failure: error-code');
    expect(errorOf(specs)).toMatch(new RegExp(`selection\\.yaml:${line + 1}: GetLastError: the override's failure is what the metadata already implies$`));
  });

  it('a convention where the metadata is not silent', () => {
    const { specs } = broken('selection.yaml', '  FindNextFileW:\n    notAnError', '  FindNextFileW:\n    failure: zero\n    notAnError');
    expect(errorOf(specs)).toMatch(/selection\.yaml:\d+: FindNextFileW: the metadata already implies failure '"false"' \(returns BOOL and sets the last error\); correct it under overrides$/);
  });

  it('a parameter that is not there', () => {
    const { specs, line } = broken('selection.yaml', 'lpAddress: { fixed: 0 }', 'lpAddres: { fixed: 0 }');
    expect(errorOf(specs)).toMatch(new RegExp(`selection\\.yaml:${line}: conventions: VirtualAlloc has no parameter 'lpAddres'$`));
  });

  it('a function the metadata leaves without a failure convention, and none given', () => {
    const { specs } = broken('selection.yaml', '  WaitForSingleObject:\n    failure: { equals: 4294967295 }\n', '  WaitForSingleObjectX:\n    failure: { equals: 4294967295 }\n');
    const functions = readFileSync(join(specs, 'win32', 'functions', 'kernel32.json'), 'utf8').split('\n');
    const line = functions.findIndex((l) => l.includes('"name": "WaitForSingleObject"')) + 1;
    // The first error is the convention that matches nothing; without it, the silent function.
    expect(errorOf(specs)).toContain("'WaitForSingleObjectX' matches no imported function");
    const { specs: silent } = broken('selection.yaml', '  WaitForSingleObject:\n    failure: { equals: 4294967295 }\n    reason: returns WAIT_FAILED (0xFFFFFFFF) on failure; every other value is a WAIT_* outcome\n', '');
    expect(errorOf(silent)).toMatch(new RegExp(`kernel32\\.json:${line - 1}: WaitForSingleObject: the metadata does not say how it reports failure`));
  });

  it('a pointer parameter the metadata gives no size for', () => {
    const { specs } = broken('selection.yaml', '    params:\n      lpAddress: { range: true }\n', '');
    expect(errorOf(specs)).toMatch(/kernel32\.json:\d+: VirtualQuery: parameter lpAddress is a void pointer with no size/);
  });

  it('a flag name that is not a constant', () => {
    const { specs, line } = broken('selection.yaml', 'forbidden: [FILE_FLAG_OVERLAPPED]', 'forbidden: [FILE_FLAG_OVERLAPED]');
    expect(errorOf(specs)).toMatch(new RegExp(`selection\\.yaml:${line}: 'FILE_FLAG_OVERLAPED' is not an integer constant of the specs$`));
  });

  it('a schema error in an imported file, and a headers.yaml entry naming nothing', () => {
    const { specs } = broken('functions/ntdll.json', '"setLastError": false', '"setLastErr": false');
    expect(errorOf(specs)).toMatch(/ntdll\.json:\d+: (unknown key 'setLastErr'|missing required key 'setLastError')/);
    const { specs: headers, line: absentLine } = broken('headers.yaml', '  SystemPolicyInformation:', '  SystemPolicyInformationX:');
    expect(errorOf(headers)).toMatch(new RegExp(`headers\\.yaml:${absentLine}: absent: 'SystemPolicyInformationX' is not a constant, a record or a Record\\.field of the Win32 specs$`));
  });

  it('through the CLI: exit 2, the message, and generated/ untouched', () => {
    const root = scratchRoot();
    const path = join(root, 'specs', 'win32', 'selection.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('  GetLastError:\n    failure: none', '  GetLastErrorX:\n    failure: none'));
    const before = treeHashes(join(root, 'generated'));
    const r = runCli(root, ['generate', '--target', 'win32-x64']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/selection\.yaml:\d+: overrides: 'GetLastErrorX' matches no imported function/);
    expect(treeHashes(join(root, 'generated'))).toEqual(before);
  });
});
