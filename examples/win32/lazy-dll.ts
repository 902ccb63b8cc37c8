/**
 * Each DLL of the binding is loaded at the first call of one of its functions,
 * not when the addon loads: setupapi.dll is not in the process until a SetupAPI
 * function is called. A function a Windows build does not export would be an
 * Error at that call naming the DLL and the function (ERR_SYSBIND_MISSING_EXPORT).
 *
 *   npx tsx examples/win32/lazy-dll.ts     (on Windows, or under wine)
 */
import * as win from '../../generated/win32-x64/index.js';

const { kernel32: k, setupapi } = win;
const loaded = () => {
  try {
    return k.GetModuleHandleW('setupapi.dll') !== 0n;
  } catch (e) {
    if (e instanceof win.Win32Error && e.errno === win.ERROR_MOD_NOT_FOUND) return false;
    throw e;
  }
};
console.log(`setupapi.dll loaded before the first call: ${loaded()}`);
try {
  console.log(`SetupGetNonInteractiveMode() = ${setupapi.SetupGetNonInteractiveMode()}`);
} catch (e) {
  // A Windows (or wine) without this export: the message names setupapi.dll and the function.
  console.log(`SetupGetNonInteractiveMode() failed: ${(e as Error).message}`);
}
console.log(`setupapi.dll loaded after the first call: ${loaded()}`);
