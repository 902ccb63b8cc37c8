/**
 * Module resolution hook (node:module register): `import … from 'vitest'` in
 * a compiled test file gets the harness's stand-in, vitest-shim.js.
 */
import type { ResolveHook } from 'node:module';

const SHIM = new URL('./vitest-shim.js', import.meta.url).href;

export const resolve: ResolveHook = (specifier, context, next) =>
  specifier === 'vitest' ? { url: SHIM, shortCircuit: true } : next(specifier, context);
