/**
 * Writes a file with CreateFileW/WriteFile, seeks back, reads it with ReadFile
 * and checks its size with GetFileSizeEx: the synchronous Win32 file API.
 *
 *   npx tsx examples/win32/files.ts <directory>     (on Windows, or under wine)
 *
 * Leaves <directory>\hello.txt behind and prints `wrote N bytes, size N, read back: <text>`.
 */
import { join } from 'node:path';
import * as win from '../../generated/win32-x64/index.js';

const { kernel32: k } = win;
const dir = process.argv[2];
if (!dir) {
  console.error('usage: files.ts <directory>');
  process.exit(2);
}
const text = 'hello from CreateFileW\r\n';
const file = k.CreateFileW(join(dir, 'hello.txt'), win.GENERIC_READ | win.GENERIC_WRITE, 0, null, win.CREATE_ALWAYS, win.FILE_ATTRIBUTE_NORMAL);
try {
  const written = k.WriteFile(file, Buffer.from(text, 'utf8'));
  const size = k.GetFileSizeEx(file).QuadPart;
  k.SetFilePointerEx(file, win.LARGE_INTEGER.of({ QuadPart: 0n }), undefined, win.FILE_BEGIN);
  const buffer = new Uint8Array(64);
  const read = k.ReadFile(file, buffer);
  console.log(`wrote ${written} bytes, size ${size}, read back: ${Buffer.from(buffer.subarray(0, read)).toString('utf8').trimEnd()}`);
} finally {
  k.CloseHandle(file);
}
