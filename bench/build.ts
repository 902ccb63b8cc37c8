/**
 * Builds everything the bench runs, under build/bench/ (git-ignored with
 * build/): the C floor helper (gcc), the generated binding as the repository's
 * own CMake project builds it (into build/bench/sysbind, so build/Release is
 * left alone), and the bench addon project in bench/addon (the hand-written
 * baseline, the batch prototype and the proposed-template prototype).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface Built {
  floor: string;
  sysbindAddon: string;
  benchAddon: string;
  protoAddon: string;
  dataFile: string;
}

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: building ${what} failed:\n${r.stdout}\n${r.stderr}${r.error?.message ?? ''}`);
}

function cmakeJs(root: string, directory: string, out: string, defines: string[], what: string): void {
  const cli = createRequire(join(root, 'package.json')).resolve('cmake-js/bin/cmake-js');
  run(process.execPath, [cli, 'compile', '--directory', directory, '--out', out, '--log-level', 'error', ...defines], what);
}

/** Builds everything; `propose` turns the generated binding.cc (by path) into the prototype's source. */
export function buildAll(root: string, propose: (bindingPath: string) => string): Built {
  const out = join(root, 'build', 'bench');
  mkdirSync(out, { recursive: true });
  const floor = join(out, 'floor');
  run('gcc', ['-O2', '-Wall', '-Wextra', '-o', floor, join(root, 'bench', 'native', 'floor.c')], 'the C floor helper');
  cmakeJs(root, root, join(out, 'sysbind'), ['--CDSYSBIND_TARGET=linux-x64'], 'the generated binding');
  mkdirSync(join(out, 'addon'), { recursive: true });
  const proto = propose(join(root, 'generated', 'linux-x64', 'binding.cc'));
  const protoFile = join(out, 'addon', 'proto-binding.cc');
  if (!existsSync(protoFile) || readFileSync(protoFile, 'utf8') !== proto) writeFileSync(protoFile, proto);
  cmakeJs(root, join(root, 'bench', 'addon'), join(out, 'addon'), [], 'the bench addons');
  const dataFile = join(out, 'data.bin');
  if (!existsSync(dataFile)) writeFileSync(dataFile, randomBytes(128 * 1024));
  return {
    floor,
    sysbindAddon: join(out, 'sysbind', 'Release', 'sysbind.node'),
    benchAddon: join(out, 'addon', 'Release', 'bench_addon.node'),
    protoAddon: join(out, 'addon', 'Release', 'proto.node'),
    dataFile,
  };
}
