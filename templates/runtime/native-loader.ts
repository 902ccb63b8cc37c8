/**
 * Finds and loads the compiled addon for a target. Only the host's target can
 * be loaded; other targets' modules get a stand-in whose every function throws,
 * so importing every target's API (for types) never fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The package root: the nearest folder upwards holding sysbind's package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'sysbind') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('sysbind: cannot find the package root');
    dir = up;
  }
}

export function hostTarget(): string {
  return `${process.platform}-${process.arch}`;
}

/**
 * Where an addon for `target` may be, in order of preference: $SYSBIND_ADDON,
 * a local build (made on this machine from the current generated code; in an
 * installed package it exists only when no prebuild fitted), then the
 * package's prebuild for this platform-arch. node-gyp-build uses the same order.
 */
export function addonCandidates(target: string): string[] {
  const root = packageRoot();
  return [
    process.env.SYSBIND_ADDON ?? '',
    join(root, 'build', 'Release', 'sysbind.node'),
    join(root, 'prebuilds', target, 'sysbind.node'),
  ].filter(Boolean);
}

export function loadNative<T extends object>(target: string): T {
  if (target !== hostTarget()) {
    return new Proxy({} as T, {
      get(_t, prop) {
        if (prop === 'target') return target;
        return () => {
          throw new Error(`sysbind: the ${target} binding cannot run on this ${hostTarget()} host`);
        };
      },
    });
  }
  const tried: string[] = [];
  for (const file of addonCandidates(target)) {
    if (!existsSync(file)) {
      tried.push(file);
      continue;
    }
    let addon: T & { target?: string };
    try {
      addon = require(file) as T & { target?: string };
    } catch (e) {
      // Another machine's file (a local build for x64 seen by an arm64 Node, a glibc prebuild on musl): try the next.
      tried.push(`${file} (${(e as Error).message.split('\n')[0]})`);
      continue;
    }
    if (addon.target !== target) {
      tried.push(`${file} (built for ${addon.target})`);
      continue;
    }
    // A plain copy: the addon's exports object has hundreds of properties and is
    // in V8's slow dictionary mode; the copy has fast properties (each call's
    // `native.fn` lookup then costs a few instructions instead of ~95).
    return { ...addon };
  }
  throw new Error(`sysbind: no compiled addon for ${target}; run \`npm run build\`. Looked in: ${tried.join(', ')}`);
}

/** Stands in for a name the host's target does not have (poll on arm64): calling it says so. */
export function missingOnHost(name: string, host: string): () => never {
  return () => {
    throw new Error(`sysbind: '${name}' does not exist on ${host}; see the per-target module (sysbind/${host}) for what it has`);
  };
}
