/**
 * Builds one target's prebuilt addon, prebuilds/<target>/sysbind.node, on
 * this x86-64 machine: the host's target natively, every other Linux target
 * with Debian's `<triple>-g++` through cmake-js (`--arch`, and a toolchain
 * file rendered from specs/targets.yaml), checked to be an ELF for the same
 * machine as the target compiler's own objects; Windows targets through the
 * Win32 build (generator/build-win32.ts, mingw-w64), which checks the DLL.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildAddon } from '../build-addon.js';
import { buildWin32Addon, mingwTools } from '../build-win32.js';
import { ToolchainError } from '../errors.js';
import { hostTargetName, type Target } from '../spec/targets.js';
import { compilerMachine, describeMachine, elfMachine } from './elf-machine.js';
import { CrossBuildError } from './errors.js';
import { requireCommand } from './tools.js';
import { crossBuildDir, writeToolchain } from './toolchain.js';

export interface Prebuild {
  target: string;
  /** prebuilds/<target>/sysbind.node */
  file: string;
  compiler: string;
  ms: number;
}

export function prebuildFile(root: string, target: string): string {
  return join(root, 'prebuilds', target, 'sysbind.node');
}

/** The C++ compiler a target's prebuild needs. */
export function prebuildCompiler(target: Target): string {
  if (target.platform === 'win32') return mingwTools(target).cxx;
  return target.name === hostTargetName() ? 'g++' : `${target.triple}-g++`;
}

export function buildPrebuild(root: string, target: Target): Prebuild {
  const started = Date.now();
  const compiler = prebuildCompiler(target);
  if (target.platform === 'win32') {
    const built = buildWin32Addon({ root, target: target.name });
    return { target: target.name, file: publish(root, target, built.file), compiler, ms: Date.now() - started };
  }
  const native = target.name === hostTargetName();
  requireCommand('cmake', 'cmake');
  requireCommand(compiler, native ? 'g++' : `g++-${target.triple}`);
  const built = compile(root, target, native);
  const expected = compilerMachine(native ? 'gcc' : `${target.triple}-gcc`);
  const actual = existsSync(built) ? elfMachine(built) : null;
  if (!actual) throw new CrossBuildError(`${target.name}: cmake-js succeeded but ${built} is missing or not an ELF file`);
  if (describeMachine(actual) !== describeMachine(expected)) {
    throw new CrossBuildError(`${target.name}: ${built} is ${describeMachine(actual)}, but ${target.triple} objects are ${describeMachine(expected)}`);
  }
  return { target: target.name, file: publish(root, target, built), compiler, ms: Date.now() - started };
}

/** Copies a checked build to prebuilds/<target>/sysbind.node. */
function publish(root: string, target: Target, built: string): string {
  const file = prebuildFile(root, target.name);
  mkdirSync(join(file, '..'), { recursive: true });
  copyFileSync(built, file);
  return file;
}

/**
 * Each target builds in build/cross/<target>: the host's natively, the others with a toolchain
 * file. build/Release (`npm run build`, loaded by running tests) is never touched.
 */
function compile(root: string, target: Target, native: boolean): string {
  const outDir = crossBuildDir(root, target.name);
  try {
    if (native) return buildAddon({ root, target: target.name, quiet: true, into: { outDir } });
    return buildAddon({ root, target: target.name, quiet: true, into: { outDir, arch: target.arch, toolchainFile: writeToolchain(root, target) } });
  } catch (e) {
    if (e instanceof ToolchainError) throw new CrossBuildError(e.message);
    throw e;
  }
}
