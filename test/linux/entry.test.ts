/**
 * The package entry (what `import … from 'sysbind'` loads, and what every test
 * in this folder imports): on this linux-x64 host its names are the linux-x64
 * target's, and a call through it reaches the kernel.
 */
import { describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import * as x64 from '../../generated/linux-x64/index.js';

describe('package entry', () => {
  it('this host is linux-x64 (process.platform/arch) and the entry says so', () => {
    expect(`${process.platform}-${process.arch}`).toBe('linux-x64');
    expect(sys.target).toBe('linux-x64');
  });

  it('the host API object is the linux-x64 target module', () => {
    expect(sys.sys).toBe(x64);
    expect(sys.targets['linux-x64']).toBe(x64);
  });

  it('every function of the target is exported by the entry as that same function', () => {
    const fns = Object.entries(x64).filter(([, v]) => typeof v === 'function');
    expect(fns.length).toBeGreaterThan(85);
    for (const [name, fn] of fns) expect([name, (sys as Record<string, unknown>)[name]]).toEqual([name, fn]);
    for (const [name, fn] of Object.entries(x64.async)) expect([name, (sys.async as Record<string, unknown>)[name]]).toEqual([name, fn]);
  });

  it('a call through the entry reaches the kernel', () => {
    expect(sys.getpid()).toBe(process.pid);
    const m = sys.mmap(4096, sys.PROT_READ, sys.MAP_PRIVATE | sys.MAP_ANONYMOUS, -1, 0);
    expect(m.byteLength).toBe(4096);
    sys.munmap(m);
    expect(m.byteLength).toBe(0);
  });
});
