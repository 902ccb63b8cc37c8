/**
 * NUMA policy: set_mempolicy, get_mempolicy and migrate_pages with node masks
 * as BigUint64Array bit sets. The kernel's own view is /proc/self/status
 * (Mems_allowed_list) and /proc/self/numa_maps (the policy of each mapping, the
 * thread's where a mapping has none of its own).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { procFields } from './helpers.js';

const MAXNODE = 64; // one 64-bit word (the kernel reads maxnode - 1 bits of it: nodes 0-62)
// The modes are an enum in <linux/mempolicy.h>, not macros, so they are not among the imported constants.
const MPOL_DEFAULT = 0;
const MPOL_PREFERRED = 1;

/** Node numbers from a /proc list such as "0" or "0-1,4". */
function nodeList(text: string): number[] {
  return text.split(',').flatMap((r) => {
    const [a, b] = r.split('-').map(Number);
    return Array.from({ length: (b ?? a!) - a! + 1 }, (_, i) => a! + i);
  });
}
const nodesOf = (mask: BigUint64Array) => Array.from({ length: 64 }, (_, i) => i).filter((i) => (mask[0]! >> BigInt(i)) & 1n);

// get_mempolicy is not bound on 32-bit targets (semantics.yaml: the kernel writes whole 64-bit words).
const ILP32 = ['linux-ia32', 'linux-arm'].includes(sys.target as string);
if (ILP32) {
  describe('NUMA policy on a 32-bit target', () => {
    it('get_mempolicy is not bound; set_mempolicy and migrate_pages check their masks (Uint32Array words) before the call', () => {
      // The host index names every linux-x64 export; one a target lacks throws when called, naming it.
      expect(() => sys.get_mempolicy(null, null, 0, 0)).toThrow(/get_mempolicy/);
      expect(() => sys.set_mempolicy(MPOL_PREFERRED, Uint32Array.of(1) as never, 64)).toThrow(/argument 'nmask' holds fewer than 'maxnode' bits/);
      expect(() => sys.migrate_pages(0, 64, Uint32Array.of(1, 0) as never, Uint32Array.of(1) as never)).toThrow(/argument 'new_nodes' holds fewer than 'maxnode' bits/);
    });
  });
} else describe('NUMA policy', () => {
  it('get_mempolicy with MPOL_F_MEMS_ALLOWED gives the nodes /proc/self/status allows; the policy starts as MPOL_DEFAULT', () => {
    const nodes = new BigUint64Array(1);
    sys.get_mempolicy(null, nodes, MAXNODE, sys.MPOL_F_MEMS_ALLOWED);
    expect(nodesOf(nodes)).toEqual(nodeList(procFields('/proc/self/status').get('Mems_allowed_list')!));
    const policy = new Int32Array(1).fill(-1);
    sys.get_mempolicy(policy, null, 0, 0);
    expect(policy[0]).toBe(MPOL_DEFAULT);
  });

  it('set_mempolicy(MPOL_PREFERRED, node 0): get_mempolicy reads it back and numa_maps shows new mappings as prefer:0', () => {
    const first = nodeList(procFields('/proc/self/status').get('Mems_allowed_list')!)[0]!;
    sys.set_mempolicy(MPOL_PREFERRED, BigUint64Array.of(1n << BigInt(first)), MAXNODE);
    try {
      const policy = new Int32Array(1);
      const nodes = new BigUint64Array(1);
      sys.get_mempolicy(policy, nodes, MAXNODE, 0);
      expect([policy[0], nodesOf(nodes)]).toEqual([MPOL_PREFERRED, [first]]);
      const mem = sys.mmap(1 << 16, sys.PROT_READ | sys.PROT_WRITE, sys.MAP_PRIVATE | sys.MAP_ANONYMOUS, -1, 0);
      try {
        mem.fill(1);
        const maps = readFileSync('/proc/self/numa_maps', 'utf8');
        expect(maps).toMatch(new RegExp(`prefer(red)?:${first}`));
      } finally {
        sys.munmap(mem);
      }
    } finally {
      sys.set_mempolicy(MPOL_DEFAULT, null, 0);
    }
    const policy = new Int32Array(1);
    sys.get_mempolicy(policy, null, 0, 0);
    expect(policy[0]).toBe(MPOL_DEFAULT);
  });

  it('migrate_pages of this process from its nodes to the same nodes leaves no page unmoved; to a node that does not exist is EINVAL', () => {
    const allowed = new BigUint64Array(1);
    sys.get_mempolicy(null, allowed, MAXNODE, sys.MPOL_F_MEMS_ALLOWED);
    expect(sys.migrate_pages(0, MAXNODE, allowed, allowed)).toBe(0);
    const missing = 62; // beyond any node this machine has, within the 63 bits read
    expect(nodesOf(allowed)).not.toContain(missing);
    expect(() => sys.migrate_pages(0, MAXNODE, allowed, BigUint64Array.of(1n << BigInt(missing)))).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'migrate_pages' }));
  });

  it('a mask holding fewer than maxnode bits is a RangeError before the call, and get_mempolicy takes no address', () => {
    expect(() => sys.set_mempolicy(MPOL_PREFERRED, BigUint64Array.of(1n), 129)).toThrow(RangeError);
    expect(() => sys.get_mempolicy(null, new BigUint64Array(1), 200, 0)).toThrow(/argument 'nmask' holds fewer than 'maxnode' bits/);
    expect(() => sys.migrate_pages(0, 129, BigUint64Array.of(1n, 0n, 0n), BigUint64Array.of(1n))).toThrow(/argument .new_nodes. holds fewer than .maxnode. bits/);
    expect(() => sys.get_mempolicy(null, new Uint32Array(2) as never, MAXNODE, 0)).toThrow(TypeError);
    expect(sys.get_mempolicy.length).toBe(4);
  });
});
