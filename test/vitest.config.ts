import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  resolve: {
    // Tests import the package the way a consumer does: `import * as sys from 'sysbind'`.
    alias: { sysbind: fileURLToPath(new URL('../generated/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Tests compile and run real programs; two workers match the two cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
