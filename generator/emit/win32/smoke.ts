/**
 * Emits smoke.cc for a Windows target: a program, without Node, that calls a
 * few functions through the binding's own function pointer types (see
 * templates/win32/smoke.cc.hbs for which and why), for running under wine.
 * This module hands the template the typedefs, DLL names and constant values.
 */
import { EmitError } from '../../errors.js';
import { byValueRecords, pointerType, type Win32TargetModel } from '../../model/win32.js';
import { render } from '../templates.js';

const CONSTANTS = ['ERROR_ALREADY_EXISTS', 'STATUS_OBJECT_NAME_NOT_FOUND', 'GENERIC_READ', 'GENERIC_WRITE', 'CREATE_ALWAYS', 'INVALID_HANDLE_VALUE', 'FILE_BEGIN', 'FILE_CURRENT'];

export function emitWin32Smoke(model: Win32TargetModel, banner: string): string {
  const constants = Object.fromEntries(
    CONSTANTS.map((name) => {
      const c = model.constants.find((x) => x.name === name);
      if (!c || typeof c.value === 'string') throw new EmitError(`smoke.cc needs the integer constant ${name}, which the ${model.target.name} specs lack`);
      return [name, String(c.value)];
    }),
  );
  return render('win32/smoke.cc.hbs', {
    banner,
    target: model.target.name,
    byValue: byValueRecords(model),
    functions: model.functions.map(pointerType),
    dll: Object.fromEntries(model.functions.map((f) => [f.name, f.invoke.dll])),
    ...constants,
  });
}
