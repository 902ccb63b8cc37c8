/**
 * The proposed template changes, applied to a copy of the generated
 * binding.cc so the bench can build and measure them as the 'proposed' rows
 * (proto.node) next to the binding as generated today:
 *
 *  1. fast-args.cc: one Node-API call per number or typed-array argument in
 *     the common case instead of two (templates/cpp/runtime*.hbs).
 *  2. vDSO: clock_gettime calls libc's clock_gettime, which reads the clock in
 *     user space through the vDSO, instead of syscall(SYS_clock_gettime), a
 *     real kernel entry (binding.cc.hbs, for the calls the kernel also exports
 *     through the vDSO: clock_gettime, clock_getres, gettimeofday, time, getcpu).
 *
 * Each change names the text it expects; if the template has moved on, the
 * bench stops and says which change no longer applies.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function replaceOnce(source: string, find: string | RegExp, replacement: string, change: string): string {
  const matches = typeof find === 'string' ? source.split(find).length - 1 : (source.match(new RegExp(find, 'g')) ?? []).length;
  if (matches !== 1) throw new Error(`bench/proto: proposed change '${change}' no longer applies (expected one '${find}', found ${matches})`);
  return source.replace(find, () => replacement);
}

/** The prototype's source: the binding at `bindingPath` with its local runtime header inlined and the changes applied. */
export function propose(bindingPath: string): string {
  const fastArgs = readFileSync(new URL('./fast-args.cc', import.meta.url), 'utf8');
  const inline = (header: string) => readFileSync(join(dirname(bindingPath), header), 'utf8').replace(/^#pragma once\n/m, '');
  let s = readFileSync(bindingPath, 'utf8').replace(/^#include "([^"]+)"$/m, (_, header: string) => inline(header));
  // The generated runtime has had the fast argument paths since they were adopted
  // from this proposal; splice them only into a runtime that lacks them.
  if (!s.includes('argIntFull(')) {
    for (const fn of ['argInt', 'argUint', 'argPointer']) s = replaceOnce(s, new RegExp(`static (inline )?bool ${fn}\\(`), `static inline bool ${fn}Full(`, 'fast-args');
    s = replaceOnce(s, 'namespace sb {\n', `namespace sb {\n${fastArgs}\n`, 'fast-args');
  }
  s = replaceOnce(s, /long r = syscall\(228, \(long\)a0, \(long\)a1\);/, 'long r = clock_gettime((clockid_t)a0, (struct timespec*)a1);', 'vdso');
  return `#include <time.h>\n${s}`;
}
