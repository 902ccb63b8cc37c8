/**
 * Emits audit.c for a Windows target: _Static_asserts that every record's
 * size, alignment, field offsets and field sizes, and every constant's value,
 * equal what the Windows SDK headers (as mingw-w64 ships them) say. The
 * messages use the format `sysbind audit` parses (see model/probe.ts), so a
 * mismatch comes back as a table row with the spec file and line.
 */
import { formatPlace } from '../../errors.js';
import { AUDIT_MACROS, layoutCheck, missingMessage, PartItems, type AuditProgram } from '../../model/probe.js';
import type { Win32Constant, Win32Record, Win32TargetModel } from '../../model/win32.js';
import type { HeadersFile } from '../../spec/win32-specs.js';

/** Size, alignment, and each field's offset and size; a named nested record's fields through their parent. */
function recordLines(r: Win32Record, headers: HeadersFile, absent: Absent, out: PartItems): void {
  const place = formatPlace(r.place);
  const c = headers.headerNames?.[r.name]?.as ?? r.cName!;
  if (absent.take(r.name)) {
    out.note(`#pragma message "${missingMessage('record', r.name, r.layout.size, { file: place })}"`);
    return;
  }
  out.assert(layoutCheck('size', r.name, `sizeof(${c})`, r.layout.size, place));
  out.assert(layoutCheck('align', r.name, `_Alignof(${c})`, r.layout.align, place));
  const fields = (rec: Win32Record, prefix: string, base: number) => {
    for (const f of rec.fields) {
      const path = `${prefix}${f.name}`;
      const at = formatPlace(f.place);
      // The metadata names a run of C bitfields `_bitfield<N>`: C has no name to take the offset of.
      if (absent.take(`${r.name}.${path}`) || /^_bitfield\d*$/.test(f.name)) {
        out.note(`#pragma message "${missingMessage('field', `${r.name}.${path}`, base + f.offset, { file: at })}"`);
        continue;
      }
      out.assert(layoutCheck('offset', `${r.name}.${path}`, `__builtin_offsetof(${c}, ${path})`, base + f.offset, at));
      out.assert(layoutCheck('fieldsize', `${r.name}.${path}`, `sizeof(((${c} *)0)->${path})`, f.size, at));
      if (f.type.kind === 'record' && f.type.record.cName === null) fields(f.type.record, `${path}.`, base + f.offset);
    }
  };
  fields(r, '', 0);
}

/**
 * One constant: SB_S/SB_U (signed/unsigned comparison) under #ifdef where the
 * headers define it as a macro, SB_MISSING where they do not (model/probe.ts AUDIT_MACROS).
 */
function constantLines(c: Win32Constant, headers: HeadersFile, absent: Absent, handles: Set<string>, out: PartItems): void {
  if (typeof c.value === 'string') return;
  const place = JSON.stringify(formatPlace(c.place));
  const missing = `SB_MISSING(${c.name}, ${c.value}, ${place});`;
  if (absent.take(c.name)) return out.note(missing);
  const differs = headers.differences?.[c.name];
  // A known difference: assert the headers' value (read as the constant's signedness).
  const negative = c.value < 0;
  const expected = differs === undefined ? c.value : negative && differs.headers >= 2 ** 31 ? differs.headers - 2 ** 32 : differs.headers;
  const isHandle = c.typeName !== undefined && handles.has(c.typeName);
  // A handle constant is a pointer cast ((HKEY)(ULONG_PTR)...): GCC folds it to an integer, clang refuses.
  const check = `${isHandle ? 'SB_H' : expected < 0 ? 'SB_S' : 'SB_U'}(${c.name}, ${expected}, ${place});`;
  if (c.enumName !== undefined && headers.enumerators.includes(c.enumName)) return out.assert(check);
  const block = [`#ifdef ${c.name}`, check, '#else', missing, '#endif'];
  out.block(isHandle ? ['#ifndef __clang__', ...block, '#endif'] : block, 1);
}

/** The headers' `absent` list (checked against the specs when loaded: every entry names something). */
class Absent {
  constructor(private readonly headers: HeadersFile) {}
  take(item: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.headers.absent ?? {}, item);
  }
}

/** The audit of a Windows target: records, then constants and enum values, each part including every header. */
export function win32AuditProgram(model: Win32TargetModel, headers: HeadersFile): AuditProgram {
  const t = model.target;
  const handles = new Set(model.handles.map((h) => h.name));
  const absent = new Absent(headers);
  const records = new PartItems();
  for (const r of model.records.filter((x) => x.cName !== null)) recordLines(r, headers, absent, records);
  const constants = new PartItems();
  for (const c of model.constants) constantLines(c, headers, absent, handles, constants);
  return {
    target: t.name,
    prelude: [...AUDIT_MACROS, ...Object.keys(headers.defines ?? {}).map((d) => `#define ${d} 1`)],
    parts: [
      { title: 'records', headers: headers.include, items: records.items, assertions: records.assertions, bitProbes: records.bitProbes },
      { title: 'constants and enum values', headers: headers.include, items: constants.items, assertions: constants.assertions, bitProbes: constants.bitProbes },
    ],
    howToCompile: [
      `${t.triple}-gcc -fsyntax-only -DSYSBIND_PART=N audit.c`,
      `where no ${t.triple}-gcc is installed: clang --target=${t.clangTarget} ${headers.clangIncludeDirs.map((d) => `-isystem ${d}`).join(' ')} -fsyntax-only -DSYSBIND_PART=N audit.c`,
    ],
  };
}
