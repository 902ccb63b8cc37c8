/**
 * A broken spec stops generation with `file:line: what is wrong`, exit code 2,
 * and leaves generated/ byte-for-byte as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, scratchRoot, treeHashes } from '../helpers/root.js';

interface Case {
  name: string;
  file: string;
  /** Edits the file's text. */
  edit: (text: string) => string;
  /** The message must match this (it includes the spec file and line). */
  message: RegExp;
}

const cases: Case[] = [
  {
    name: 'an unknown type name in a struct field',
    file: 'specs/linux/types/time.yaml',
    edit: (t) => t.replace('- tv_nsec: long long', '- tv_nsec: long lnog'),
    message: /specs\/linux\/types\/time\.yaml:(\d+): field 'tv_nsec': unknown type name 'long lnog'/,
  },
  {
    name: 'a duplicate syscall in a table',
    file: 'specs/linux/syscalls/linux-x64.json',
    edit: (t) => t.replace(/("name": "write", "nr": )1,/, '"name": "read", "nr": 1,'),
    message: /specs\/linux\/syscalls\/linux-x64\.json:(\d+): duplicate syscall 'read'/,
  },
  {
    name: 'malformed YAML',
    file: 'specs/linux/semantics.yaml',
    edit: (t) => t.replace('  read:\n    blocking: true', '  read:\n    blocking: [true'),
    message: /specs\/linux\/semantics\.yaml:(\d+): malformed YAML/,
  },
  {
    name: 'an unknown key in semantics',
    file: 'specs/linux/semantics.yaml',
    edit: (t) => t.replace('  lseek:\n    params: { fd: fd }', '  lseek:\n    blockng: true\n    params: { fd: fd }'),
    message: /specs\/linux\/semantics\.yaml:(\d+): unknown key 'blockng'/,
  },
  {
    name: 'a parameter the prototype does not have',
    file: 'specs/linux/semantics.yaml',
    edit: (t) => t.replace('params: { fd: fd, buf: { buffer: out, length: count } }', 'params: { fd: fd, buff: { buffer: out, length: count } }'),
    message: /specs\/linux\/semantics\.yaml:(\d+): syscall 'read' has no parameter 'buff'/,
  },
  {
    name: 'a syscall that exists on no target',
    file: 'specs/linux/semantics.yaml',
    edit: (t) => t.replace('  getpid: {}', '  getpdi: {}'),
    message: /specs\/linux\/semantics\.yaml:(\d+): 'getpdi' is not a syscall on any target/,
  },
  {
    name: 'a skip selector that matches no target',
    file: 'specs/linux/semantics.yaml',
    edit: (t) => t.replace('skip: { x86/32: "16-bit uid ABI', 'skip: { x68/32: "16-bit uid ABI'),
    message: /specs\/linux\/semantics\.yaml:(\d+): fchown: skip key 'x68\/32' matches no target/,
  },
  {
    name: 'a bit set counted by a parameter that does not exist',
    file: 'specs/linux/semantics.yaml',
    edit: (t) => t.replace('inp: { ref: unsigned long, dir: inout, bits: n, optional: true }\n      outp: { ref: unsigned long, dir: inout, bits: n, optional: true }\n      exp: { ref: unsigned long, dir: inout, bits: n, optional: true }\n      tvp', 'inp: { ref: unsigned long, dir: inout, bits: nfds, optional: true }\n      outp: { ref: unsigned long, dir: inout, bits: n, optional: true }\n      exp: { ref: unsigned long, dir: inout, bits: n, optional: true }\n      tvp'),
    message: /specs\/linux\/semantics\.yaml:(\d+): 'inp' names 'nfds' as its bit count, but '(select|_newselect)' has no such parameter/,
  },
  {
    name: 'a kernel typedef byArch key that matches no target',
    file: 'specs/linux/kernel-typedefs.yaml',
    edit: (t) => t.replace('old_gid_t: { type: unsigned int, byArch: { x86:', 'old_gid_t: { type: unsigned int, byArch: { x68:'),
    message: /specs\/linux\/kernel-typedefs\.yaml:(\d+): old_gid_t: byArch key 'x68' matches no target/,
  },
  {
    name: 'a struct variant whose when: selector matches no target',
    file: 'specs/linux/types/stat.yaml',
    edit: (t) => t.replace('- when: [powerpc]', '- when: [powrepc]'),
    message: /specs\/linux\/types\/stat\.yaml:(\d+): stat: when selector 'powrepc' matches no target/,
  },
  {
    name: 'a bitfield wider than its type (the layout engine refuses it)',
    file: 'specs/linux/types/stat.yaml',
    edit: (t) => t.replace('- st_mode: unsigned int', '- { name: st_mode, type: unsigned int, bits: 40 }'),
    message: /specs\/linux\/types\/stat\.yaml:(\d+): struct stat, member st_mode: bitfield width 40 is outside 0\.\.32/,
  },
  {
    name: 'a Win32 architectures list naming no Windows target',
    file: 'specs/win32/types.json',
    edit: (t) => t.replace('"architectures": ["ia32"],', '"architectures": ["i386"],'),
    message: /specs\/win32\/types\.json:(\d+): [A-Z0-9_]+: architecture 'i386' matches no target/,
  },
  {
    name: 'a Win32 record fix naming a field the record does not have',
    file: 'specs/win32/selection.yaml',
    edit: (t) => t.replace('fields: { lfCharSet: Byte,', 'fields: { lfCharSett: Byte,'),
    message: /specs\/win32\/selection\.yaml:(\d+): recordFixes: LOGFONTW has no field 'lfCharSett'/,
  },
  {
    name: 'a Win32 refuse entry naming no imported function',
    file: 'specs/win32/selection.yaml',
    edit: (t) => t.replace('functions: [SetClipboardData]', 'functions: [SetClipboardDataX]'),
    message: /specs\/win32\/selection\.yaml:(\d+): refuse: 'SetClipboardDataX' matches no imported function/,
  },
  {
    name: 'a danger entry that names no syscall',
    file: 'specs/linux/danger.yaml',
    edit: (t) => t.replace('  brk: moves', '  brkk: moves'),
    message: /specs\/linux\/danger\.yaml:(\d+): 'brkk' is not a syscall on any target/,
  },
  {
    name: 'a danger entry without its reason',
    file: 'specs/linux/danger.yaml',
    edit: (t) => t.replace(/^  alarm: .*$/m, '  alarm: ""'),
    message: /specs\/linux\/danger\.yaml:(\d+): .*alarm/,
  },
  {
    name: 'a call both unsafe and refused',
    file: 'specs/linux/danger.yaml',
    edit: (t) => t.replace(/^  vfork: /m, '  brk: '),
    message: /specs\/linux\/danger\.yaml:(\d+): 'brk' is listed as both unsafe and refused/,
  },
];

describe('broken specs', () => {
  for (const c of cases) {
    it(`reports ${c.name} with file:line and exit 2, leaving generated/ untouched`, () => {
      const root = scratchRoot();
      const before = treeHashes(join(root, 'generated'));
      const path = join(root, c.file);
      const original = readFileSync(path, 'utf8');
      const broken = c.edit(original);
      expect(broken, 'the fixture edit must change the file').not.toBe(original);
      writeFileSync(path, broken);

      const r = runCli(root, ['generate']);
      expect(r.status).toBe(2);
      const m = c.message.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      // The line named is where the breakage is: find the first differing line.
      const a = original.split('\n');
      const b = broken.split('\n');
      const firstDiff = b.findIndex((line, i) => line !== a[i]) + 1;
      const reported = Number(m![1]);
      expect(Math.abs(reported - firstDiff), `reported line ${reported}, edit at ${firstDiff}`).toBeLessThanOrEqual(1);
      expect(treeHashes(join(root, 'generated'))).toEqual(before);
    });
  }

  it('keeps the previous output when a later stage fails (no half-written target)', () => {
    const root = scratchRoot();
    const before = treeHashes(join(root, 'generated'));
    // A struct the layout engine accepts but whose class name collides: the failure comes late.
    const path = join(root, 'specs/linux/types/time.yaml');
    writeFileSync(path, readFileSync(path, 'utf8') + '  timespec2:\n    cname: null\n    header: linux/time_types.h\n    tsName: Timespec\n    fields:\n      - x: int\n');
    const r = runCli(root, ['generate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/Timespec/);
    expect(treeHashes(join(root, 'generated'))).toEqual(before);
  });
});
