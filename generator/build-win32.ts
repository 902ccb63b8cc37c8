/**
 * Cross-builds a Windows target's addon (generated/<target>/binding.cc) on
 * Linux with mingw-w64, through cmake-js in Node-API mode (nothing is
 * downloaded): an import library for node.exe made by dlltool from
 * node-api-headers' node_api.def, a toolchain file for `<triple>-g++-posix`,
 * and a check that the result is a DLL for the same machine as the
 * compiler's own objects. Everything lands in build/win32/<target>/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildAddon } from './build-addon.js';
import { SysbindError, ToolchainError } from './errors.js';
import { makeBanner } from './emit/banner.js';
import { render, TEMPLATES_DIR } from './emit/templates.js';
import { packageVersion } from './render/rendered.js';
import { loadTargets, type Target } from './spec/targets.js';
import { onPath } from './cross/tools.js';
import { writeFileAtomic } from './util/write-atomic.js';

export interface Win32Build {
  target: string;
  /** build/win32/<target>/Release/sysbind.node */
  file: string;
  ms: number;
}

const MINGW = 'mingw-w64 (Debian: apt-get install mingw-w64)';

export function win32BuildDir(root: string, target: string): string {
  return join(root, 'build', 'win32', target);
}

/** The mingw-w64 commands for a target (the posix thread model: node-addon-api needs std::mutex). */
export function mingwTools(target: Target): { cc: string; cxx: string; dlltool: string } {
  return { cc: `${target.triple}-gcc-posix`, cxx: `${target.triple}-g++-posix`, dlltool: `${target.triple}-dlltool` };
}

export function buildWin32Addon(opts: { root: string; target: string; quiet?: boolean }): Win32Build {
  const started = Date.now();
  const target = loadTargets(join(opts.root, 'specs')).get(opts.target);
  if (target.platform !== 'win32') throw new SysbindError(`${target.name} is not a Windows target`);
  const tools = mingwTools(target);
  for (const command of ['cmake', tools.cc, tools.cxx, tools.dlltool]) {
    if (!onPath(command)) throw new ToolchainError(`cannot build the ${target.name} addon: ${command} is not installed (${command === 'cmake' ? 'Debian: cmake' : MINGW})`);
  }
  const outDir = win32BuildDir(opts.root, target.name);
  mkdirSync(outDir, { recursive: true });
  const importLib = nodeImportLibrary(opts.root, tools.dlltool, outDir);
  const toolchainFile = writeToolchain(opts.root, target, importLib, outDir);
  const file = buildAddon({ root: opts.root, target: target.name, quiet: opts.quiet ?? true, into: { arch: target.arch, toolchainFile, outDir } });
  checkMachine(file, tools.cc, target);
  return { target: target.name, file, ms: Date.now() - started };
}

/** libnode_api.a: node.exe's Node-API exports, from node-api-headers' .def file (remade when the .def is newer). */
function nodeImportLibrary(root: string, dlltool: string, outDir: string): string {
  const def = createRequire(join(root, 'package.json')).resolve('node-api-headers/def/node_api.def');
  const lib = join(outDir, 'libnode_api.a');
  if (existsSync(lib) && statSync(lib).mtimeMs >= statSync(def).mtimeMs) return lib;
  const r = spawnSync(dlltool, ['-d', def, '-l', lib], { encoding: 'utf8' });
  if (r.status !== 0) throw new ToolchainError(`${dlltool} failed to make ${lib} from ${def}: ${r.error?.message ?? r.stderr}`);
  return lib;
}

/** Writes the toolchain file (only when its text changed, so CMake does not reconfigure) and returns its path. */
function writeToolchain(root: string, target: Target, importLib: string, outDir: string): string {
  const template = 'win32/toolchain.cmake.hbs';
  const inputs = [join(root, 'specs', 'targets.yaml'), join(TEMPLATES_DIR, template)];
  const banner = makeBanner({ version: packageVersion(root), command: `buildWin32Addon --target ${target.name}`, inputs, root }).line;
  const { cc, cxx } = mingwTools(target);
  const text = render(template, { banner, target: target.name, triple: target.triple, processor: target.triple.split('-')[0], cc, cxx, importLib, outDir });
  const file = join(outDir, 'toolchain.cmake');
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileAtomic(file, text);
  return file;
}

/** The COFF machine of a PE image (a DLL) or of an object file. */
function coffMachine(bytes: Buffer): number {
  const isImage = bytes.readUInt16LE(0) === 0x5a4d; // "MZ"
  const header = isImage ? bytes.readUInt32LE(0x3c) + 4 : 0;
  return bytes.readUInt16LE(header);
}

/** The addon must be a PE image for the machine the target's compiler emits objects for. */
function checkMachine(file: string, cc: string, target: Target): void {
  if (!existsSync(file)) throw new ToolchainError(`${target.name}: cmake-js succeeded but ${file} is missing`);
  const scratch = mkdtempSync(join(tmpdir(), 'sysbind-probe-'));
  let expected: number;
  try {
    const object = join(scratch, 'probe.o');
    const probe = spawnSync(cc, ['-c', '-x', 'c', '-', '-o', object], { input: 'int sysbind_probe;\n', encoding: 'utf8' });
    if (probe.status !== 0) throw new ToolchainError(`${cc} cannot compile a probe object: ${probe.stderr}`);
    expected = coffMachine(readFileSync(object));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const dll = readFileSync(file);
  const actual = coffMachine(dll);
  if (dll.readUInt16LE(0) !== 0x5a4d || actual !== expected) {
    throw new ToolchainError(`${target.name}: ${file} is not a PE image for machine 0x${expected.toString(16)} (found 0x${actual.toString(16)})`);
  }
}
