/**
 * Renders a target's CMake toolchain file from specs/targets.yaml through
 * templates/cmake/toolchain.cmake.hbs into build/cross/<target>/toolchain.cmake.
 * Every value comes from the target's entry: the compilers are
 * `<triple>-gcc`/`<triple>-g++`, CMAKE_SYSTEM_PROCESSOR is the triple's CPU
 * field, the sysroot is the emulator's (`/usr/<triple>` by default).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SysbindError } from '../errors.js';
import { makeBanner } from '../emit/banner.js';
import { render, TEMPLATES_DIR } from '../emit/templates.js';
import { packageVersion } from '../render/rendered.js';
import type { Target } from '../spec/targets.js';
import { writeFileAtomic } from '../util/write-atomic.js';

const TEMPLATE = 'cmake/toolchain.cmake.hbs';
const CMAKE_SYSTEM_NAME: Record<Target['platform'], string> = { linux: 'Linux', win32: 'Windows' };

/** Where cross builds of `target` keep their CMake tree and toolchain file. */
export function crossBuildDir(root: string, target: string): string {
  return join(root, 'build', 'cross', target);
}

export function sysrootOf(target: Target): string {
  return target.emulator?.sysroot ?? `/usr/${target.triple}`;
}

export function renderToolchain(root: string, target: Target): string {
  if (target.platform !== 'linux') throw new SysbindError(`no CMake toolchain for ${target.name}: only Linux targets cross-build with Debian's <triple>-g++`);
  const inputs = [join(root, 'specs', 'targets.yaml'), join(TEMPLATES_DIR, TEMPLATE)];
  const banner = makeBanner({ version: packageVersion(root), command: `sysbind prebuild --target ${target.name}`, inputs, root }).line;
  return render(TEMPLATE, {
    banner,
    target: target.name,
    triple: target.triple,
    systemName: CMAKE_SYSTEM_NAME[target.platform],
    processor: target.triple.split('-')[0],
    sysroot: sysrootOf(target),
  });
}

/** Writes the toolchain file (only when its text changed, so CMake does not reconfigure) and returns its path. */
export function writeToolchain(root: string, target: Target): string {
  const file = join(crossBuildDir(root, target.name), 'toolchain.cmake');
  const text = renderToolchain(root, target);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileAtomic(file, text);
  return file;
}
