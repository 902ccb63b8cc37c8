/**
 * Type-level checks of the Win32 handle brands, compiled by the typecheck test
 * (tsc --noEmit over the project; an unused @ts-expect-error is an error): a
 * handle the metadata marks AlsoUsableFor another type is accepted where that
 * type is taken, never the other way round, and unrelated handles stay apart.
 */
import type { CreatedHDC, HBITMAP, HDC, HGDIOBJ, HRGN, HWND } from '../../generated/win32-x64/index.js';

declare const bitmap: HBITMAP;
declare const region: HRGN;
declare const object: HGDIOBJ;
declare const memoryDc: CreatedHDC;
declare const dc: HDC;
declare const window: HWND;

export const bitmapIsAnObject: HGDIOBJ = bitmap;
export const regionIsAnObject: HGDIOBJ = region;
export const createdDcIsADc: HDC = memoryDc;
// @ts-expect-error an HGDIOBJ need not be a bitmap
export const objectIsNotABitmap: HBITMAP = object;
// @ts-expect-error an HDC from GetDC is not one to DeleteDC
export const dcIsNotCreated: CreatedHDC = dc;
// @ts-expect-error a bitmap is not a region
export const bitmapIsNotARegion: HRGN = bitmap;
// @ts-expect-error a window is no GDI object
export const windowIsNotAnObject: HGDIOBJ = window;
// @ts-expect-error a plain bigint is no handle
export const numberIsNoHandle: HWND = 5n;
