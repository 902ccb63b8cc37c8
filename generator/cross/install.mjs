#!/usr/bin/env node
// The package's `install` step. A packed sysbind carries prebuilds/<platform>-<arch>/sysbind.node:
// when the one for this machine loads, there is nothing to compile. Otherwise (no prebuild fits, or
// the dev repository, which has none) it builds the host's addon from generated/<target>/binding.cc
// with cmake-js, as `npm run build` does. Plain JavaScript: it runs before anything is compiled.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = `${process.platform}-${process.arch}`;
const prebuild = join(root, 'prebuilds', target, 'sysbind.node');

/** Why the prebuild cannot be used, or null when it loads and is for this target. */
function prebuildProblem() {
  if (!existsSync(prebuild)) return 'none is packed for this platform-arch';
  try {
    const addon = createRequire(import.meta.url)(prebuild);
    return addon.target === target ? null : `it was built for ${addon.target}`;
  } catch (e) {
    return `it does not load here: ${String(e.message).split('\n')[0]}`;
  }
}

const problem = prebuildProblem();
if (problem === null) {
  console.log(`sysbind: using the prebuilt addon ${relative(root, prebuild)}; nothing to compile`);
} else {
  console.log(`sysbind: no usable prebuild for ${target} (${problem}); building the addon from source`);
  // The packed package has the builder compiled; the dev repository runs its TypeScript through tsx.
  const compiled = join(root, 'dist', 'generator', 'build-addon.js');
  if (!existsSync(compiled)) (await import('tsx/esm/api')).register();
  const { buildAddon } = await import(pathToFileURL(existsSync(compiled) ? compiled : join(root, 'generator', 'build-addon.ts')).href);
  console.log(`sysbind: built ${relative(root, buildAddon({ root, target }))}`);
}
