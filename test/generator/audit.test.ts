/**
 * The audit: the committed linux-x64 audit.c compiles clean against the host's
 * real kernel headers, and a deliberately wrong spec yields exactly the listed
 * mismatches (bitfield positions included, read from probe objects), each with the spec's value, the compiler's value and the spec line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditTarget } from '../../generator/audit/run-audit.js';
import { loadTargets } from '../../generator/spec/targets.js';
import { ROOT, runCli, scratchRoot } from '../helpers/root.js';

const target = loadTargets(join(ROOT, 'specs')).get('linux-x64');

describe('audit of linux-x64', () => {
  it('is clean: every syscall number, constant and layout matches the kernel headers', async () => {
    const r = await auditTarget(ROOT, target);
    expect(r.errors).toEqual([]);
    expect(r.mismatches).toEqual([]);
    // Enough is checked to mean something: all table numbers, ~900 constants, every struct field.
    expect(r.assertions).toBeGreaterThan(1500);
    // Syscalls newer than the installed headers are reported, not silently passed.
    for (const n of r.notInHeaders) expect(n.kind).toBe('syscall');
  });

  it('names every wrong field, constant and number of a deliberately broken spec', () => {
    const root = scratchRoot();
    const edit = (file: string, from: string, to: string) => {
      const path = join(root, file);
      const text = readFileSync(path, 'utf8');
      expect(text.includes(from), `${file} contains ${from}`).toBe(true);
      writeFileSync(path, text.replace(from, to));
      return text.slice(0, text.indexOf(from)).split('\n').length;
    };
    // st_nlink as a 4-byte field shifts every later stat field by 4.
    const statLine = edit('specs/linux/types/stat.yaml', '- st_nlink: __kernel_ulong_t', '- st_nlink: unsigned int');
    const constLine = edit('specs/linux/constants/linux-x64.json', '{"name": "O_DIRECTORY", "value": 65536}', '{"name": "O_DIRECTORY", "value": 16384}');
    const nrLine = edit('specs/linux/syscalls/linux-x64.json', '{"name": "getpid", "nr": 39,', '{"name": "getpid", "nr": 999,');
    // iphdr's 4-bit fields in big-endian order on a little-endian target: each lands in the other's nibble.
    const bitsLine = edit(
      'specs/linux/types/socket.yaml',
      '          - { name: ihl, type: __u8, bits: 4 }\n          - { name: version, type: __u8, bits: 4 }\n          - tos: __u8',
      '          - { name: version, type: __u8, bits: 4 }\n          - { name: ihl, type: __u8, bits: 4 }\n          - tos: __u8',
    );
    expect(runCli(root, ['generate']).status).toBe(0);
    const r = runCli(root, ['audit', '--target', 'linux-x64', '--json']);
    expect(r.status).toBe(1);
    const [result] = JSON.parse(r.stdout) as { mismatches: { kind: string; item: string; expected: string; actual: string; place: string }[] }[];
    const found = result!.mismatches.map((m) => `${m.kind} ${m.item} ${m.expected}→${m.actual} ${m.place}`);
    const stat = 'specs/linux/types/stat.yaml';
    // A 4-byte st_nlink moves st_mode, st_uid, st_gid and __pad0 up by 4; st_rdev is
    // 8-aligned and lands where it was, so the size stays 144: exactly these, no more.
    expect([...found].sort()).toEqual(
      [
        `constant O_DIRECTORY 16384→65536 specs/linux/constants/linux-x64.json:${constLine}`,
        `fieldsize stat.st_nlink 4→8 ${stat}:${statLine}`,
        `offset stat.__pad0 32→36 ${stat}:${statLine + 4}`,
        `offset stat.st_gid 28→32 ${stat}:${statLine + 3}`,
        `offset stat.st_mode 20→24 ${stat}:${statLine + 1}`,
        `offset stat.st_uid 24→28 ${stat}:${statLine + 2}`,
        `syscall getpid 999→39 specs/linux/syscalls/linux-x64.json:${nrLine}`,
        `bits iphdr.version bytes 0..0 = 0f→bytes 0..0 = f0 specs/linux/types/socket.yaml:${bitsLine}`,
        `bits iphdr.ihl bytes 0..0 = f0→bytes 0..0 = 0f specs/linux/types/socket.yaml:${bitsLine + 1}`,
      ].sort(),
    );
  });
});
