/**
 * Reserves and commits memory with VirtualAlloc (a Uint8Array over the pages),
 * writes it, makes it read-only with VirtualProtect, asks VirtualQuery what
 * the pages are, and releases them with VirtualFree (the array detaches).
 *
 *   npx tsx examples/win32/virtual-memory.ts     (on Windows, or under wine)
 */
import * as win from '../../generated/win32-x64/index.js';

const { kernel32: k } = win;
const pages = k.VirtualAlloc(65536, win.MEM_COMMIT | win.MEM_RESERVE, win.PAGE_READWRITE);
pages.fill(0x5a);
const sum = pages.reduce((a, b) => a + b, 0);
const previous = k.VirtualProtect(pages, undefined, win.PAGE_READONLY);
const info = k.VirtualQuery(pages);
console.log(`allocated ${pages.length} bytes, sum ${sum}`);
console.log(`protection before ${previous}, now ${info.Protect}, region ${info.RegionSize} bytes, state ${info.State}`);
k.VirtualFree(pages);
console.log(`after VirtualFree the view has ${pages.length} bytes`);
