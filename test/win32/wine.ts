/**
 * Running generated Win32 bindings for real: a Windows Node from npm
 * (`nodePackage` in specs/targets.yaml), the generated TypeScript transpiled
 * to JavaScript it can load, and wine with its output written to a file (wine
 * hangs when its output is a pipe while a wineserver lives). Tests that need
 * wine or mingw-w64 skip when they are missing, except under CI=true.
 *
 * 32-bit programs need wine32:i386. Where it cannot be installed, wine64's
 * WoW64 mode still runs them given wine32's Windows-side DLLs, unpacked (not
 * installed) from the libwine:i386 package into build/wine32 (see .ci/run);
 * they run in a prefix of their own, made with those DLLs.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import type { Target } from '../../generator/spec/targets.js';
import { requireTool } from '../helpers/tools.js';

/** Every tool a real run under wine needs; false (with a printed reason, or a throw under CI) if one is missing. */
export function wineToolsPresent(target: Target): boolean {
  return (
    requireTool('cmake', 'cmake') &&
    requireTool(`${target.triple}-g++-posix`, 'mingw-w64') &&
    requireTool(`${target.triple}-dlltool`, 'mingw-w64') &&
    requireTool('wine', target.dataModel === 'ILP32' ? 'wine32:i386 (after dpkg --add-architecture i386)' : 'wine')
  );
}

/** wine32's Windows-side DLLs unpacked from libwine:i386, if there ($SYSBIND_WINE32_DLLS or build/wine32). */
function wine32Dlls(root: string): string | undefined {
  const dir = process.env.SYSBIND_WINE32_DLLS ?? join(root, 'build', 'wine32', 'usr', 'lib', 'i386-linux-gnu', 'wine');
  return existsSync(join(dir, 'i386-windows', 'ntdll.dll')) ? dir : undefined;
}

/** Whether wine can start a program of this target's architecture (for 32-bit ones: wine32, or WoW64 with its DLLs). */
export function wineRuns(root: string, target: Target): boolean {
  const dir = join(root, 'build', 'win32', target.name);
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, 'probe.exe');
  const cc = spawnSync(`${target.triple}-gcc`, ['-x', 'c', '-', '-o', exe], { input: 'int main(void) { return 42; }\n' });
  if (cc.status !== 0) return false;
  return runUnderWine(root, target, exe, [], {}, join(dir, 'probe.out')).status === 42;
}

/** The Windows Node binary for a target, installed from npm into node_modules/.cache/<package> once. */
export function windowsNode(root: string, target: Target, version: string): string {
  const pkg = target.nodePackage;
  if (!pkg) throw new Error(`${target.name} names no nodePackage in specs/targets.yaml`);
  const dir = join(root, 'node_modules', '.cache', pkg);
  const binary = join(dir, 'node_modules', pkg, 'bin', 'node.exe');
  const installed = join(dir, 'node_modules', pkg, 'package.json');
  if (existsSync(binary) && (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version.replace(/^v/, '') === version) return binary;
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--force', '--no-audit', '--no-fund', '--prefix', dir, `${pkg}@${version}`], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(binary)) throw new Error(`npm install ${pkg}@${version} failed: ${r.stderr}`);
  return binary;
}

/**
 * Transpiles the generated API of `target`, the files it shares with the other
 * Windows targets, the runtime and `entry` (a .ts file
 * of this repository) to JavaScript under build/win32/<target>/js/, keeping
 * their relative places (the generated code imports ../runtime).
 * Returns the entry's .js path.
 */
export function transpileForWindows(root: string, target: string, entry: string): string {
  const out = join(root, 'build', 'win32', target, 'js');
  const sources = [
    ...[target, 'win32-common', 'runtime'].flatMap((dir) =>
      (existsSync(join(root, 'generated', dir)) ? readdirSync(join(root, 'generated', dir)) : [])
        .filter((f) => f.endsWith('.ts'))
        .map((f) => join(root, 'generated', dir, f)),
    ),
    entry,
  ];
  const options: ts.CompilerOptions = { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false };
  let entryJs = '';
  for (const file of sources) {
    const js = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(js), { recursive: true });
    writeFileSync(js, ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText);
    if (file === entry) entryJs = js;
  }
  return entryJs;
}

/** A Linux path as wine's Windows programs see it (drive Z: is /). */
export function windowsPath(path: string): string {
  return `Z:${path.replace(/\//g, '\\')}`;
}

/**
 * Runs a target's Windows program under wine in sysbind's own prefix (created
 * on first use, ~8 s), output to `outFile`; returns the exit status and the output.
 */
export function runUnderWine(
  root: string,
  target: Target,
  exe: string,
  args: string[],
  env: Record<string, string>,
  outFile: string,
  timeoutMs = 120_000,
): { status: number | null; output: string } {
  const cache = join(root, 'node_modules', '.cache');
  // wine makes a missing prefix but not its parent: on a fresh checkout nothing has made .cache yet.
  mkdirSync(cache, { recursive: true });
  const wow64 = target.dataModel === 'ILP32' ? wine32Dlls(root) : undefined;
  const prefix = wow64 ? { WINEPREFIX: join(cache, 'sysbind-wine-wow64'), WINEDLLPATH: wow64 } : { WINEPREFIX: process.env.WINEPREFIX ?? join(cache, 'sysbind-wine') };
  const fd = openSync(outFile, 'w');
  try {
    const r = spawnSync('wine', [exe, ...args], { stdio: ['ignore', fd, fd], timeout: timeoutMs, env: { ...process.env, ...prefix, WINEDEBUG: '-all', ...env } });
    return { status: r.status, output: readFileSync(outFile, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

/** The host's Node version when the target's package has it, else the package's newest (node-win-x86 has no 20.x). */
export function nodeVersion(target: Target): string {
  const has = spawnSync('npm', ['view', `${target.nodePackage}@${process.versions.node}`, 'version'], { encoding: 'utf8' });
  if (has.status === 0 && has.stdout.trim() !== '') return process.versions.node;
  return spawnSync('npm', ['view', target.nodePackage!, 'version'], { encoding: 'utf8' }).stdout.trim();
}

/**
 * Whether this target's Windows Node starts under wine here (x86's does not in WoW64 mode
 * without wine32: its ws2_32 does not load). False with a printed reason; under CI=true a
 * 64-bit target that cannot run is an error instead.
 */
export function windowsNodeReady(root: string, target: Target): boolean {
  if (!wineToolsPresent(target)) return false;
  let why = `wine cannot start ${target.arch} programs here (32-bit ones need wine32:i386, or its DLLs in build/wine32: see .ci/run)`;
  if (wineRuns(root, target)) {
    const node = windowsNode(root, target, nodeVersion(target));
    const dir = join(root, 'build', 'win32', target.name);
    const probe = runUnderWine(root, target, node, ['-e', 'process.exit(42)'], { NODE_SKIP_PLATFORM_CHECK: '1' }, join(dir, 'node-probe.out'));
    if (probe.status === 42) return true;
    why = `${target.nodePackage}'s node.exe does not start under wine here (exit ${probe.status}: ${probe.output.trim().split('\n').at(-1) ?? ''})`;
  }
  // Without wine32:i386 the 32-bit Node cannot run; smoke.test.ts still runs 32-bit code through WoW64.
  if (process.env.CI === 'true' && target.dataModel !== 'ILP32') throw new Error(why);
  console.warn(`skipping the ${target.name} suite: ${why}`);
  return false;
}
