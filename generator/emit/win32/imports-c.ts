/**
 * C that checks a DLL module's functions against an import library: each one
 * declared `__declspec(dllimport)` with exactly the calling convention and
 * parameter types of the binding's function pointer typedef, and referenced.
 * Linked (`-shared -nostdlib -l<module>`) against mingw-w64's import library
 * for that DLL, it fails for a function the DLL does not export and, on x86,
 * for a wrong calling convention or parameter size: stdcall imports are named
 * `_Name@<argument bytes>`, cdecl ones `_Name`.
 */
import type { Win32Param, Win32TargetModel } from '../../model/win32.js';

/** The binding's C++ spelling of a type, in C. */
function cType(t: string): string {
  if (t === 'const char16_t*') return 'const unsigned short*';
  if (t.startsWith('sbv_')) return `struct ${t}`;
  return t;
}

export function emitImportsC(model: Win32TargetModel, module: string): string {
  const functions = model.functions.filter((f) => f.invoke.module === module);
  const records = new Map<string, { size: number; align: number }>();
  const paramTypes = (params: Win32Param[]) => {
    for (const p of params) if (p.kind.kind === 'struct' && p.kind.byValue) records.set(p.cType, { size: p.kind.record.layout.size, align: p.kind.record.layout.align });
    return params.length > 0 ? params.map((p) => cType(p.cType)).join(', ') : 'void';
  };
  const declarations = functions.map((f) => {
    const cc = f.invoke.callingConvention === 'cdecl' ? '__cdecl' : '__stdcall';
    return `__declspec(dllimport) ${cType(f.returnCType)} ${cc} ${f.name}(${paramTypes(f.params)});`;
  });
  return [
    `/* ${model.target.name}: the ${module} functions of the binding, as its function pointer typedefs declare them. */`,
    '#include <stdint.h>',
    ...[...records.entries()].map(([name, r]) => `struct ${name} { _Alignas(${r.align}) unsigned char bytes[${r.size}]; };`),
    ...declarations,
    `void *const volatile sysbind_imports[] = {`,
    ...functions.map((f) => `  (void *)&${f.name},`),
    `};`,
  ].join('\n') + '\n';
}
