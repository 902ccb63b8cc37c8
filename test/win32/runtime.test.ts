/**
 * The Win32 runtime support the generated TypeScript uses, on any host: the
 * error factories (names, messages, HRESULTs wrapping Win32 codes), code
 * tables from constants, handle arrays, field checks and UTF-16 text.
 */
import { describe, expect, it } from 'vitest';
import { NtStatusError, Win32Error } from '../../generated/runtime/errors.js';
import { checkFlags32, checkHandle, codeNames, fromUtf16, handleArray, intCell, readWString, win32Errors, writeWString } from '../../generated/runtime/win32.js';

const described: [number, boolean][] = [];
const { win32Error, ntStatusError, hresultError } = win32Errors(
  {
    lastError: new Map([[2, 'ERROR_FILE_NOT_FOUND']]),
    ntstatus: new Map([[-1073741820, 'STATUS_INFO_LENGTH_MISMATCH']]),
    hresult: new Map([[-2147467259, 'E_FAIL']]),
  },
  (code, ntstatus) => {
    described.push([code, ntstatus]);
    return code === 2 ? 'The system cannot find the file specified' : '';
  },
);

describe('Win32 errors', () => {
  it('Win32Error has the Node SystemError shape, with the name and the text Windows gives', () => {
    const e = win32Error(2, 'CreateFileW', 'C:\\x', null);
    expect(e).toBeInstanceOf(Win32Error);
    expect({ name: e.name, code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, dest: e.dest }).toEqual({
      name: 'Win32Error',
      code: 'ERROR_FILE_NOT_FOUND',
      errno: 2,
      syscall: 'CreateFileW',
      path: 'C:\\x',
      dest: undefined,
    });
    expect(e.message).toBe("ERROR_FILE_NOT_FOUND: The system cannot find the file specified, CreateFileW 'C:\\x'");
    expect(win32Error(99999, 'X').code).toBe('ERROR_99999');
    expect(win32Error(99999, 'X').message).toBe('ERROR_99999: unknown error 0x0001869f, X');
  });

  it('NtStatusError names the status and keeps it unsigned; ntdll describes it', () => {
    const e = ntStatusError(-1073741820, 'NtQuerySystemInformation');
    expect(e).toBeInstanceOf(NtStatusError);
    expect({ code: e.code, status: e.status, syscall: e.syscall }).toEqual({ code: 'STATUS_INFO_LENGTH_MISMATCH', status: 0xc0000004, syscall: 'NtQuerySystemInformation' });
    expect(described).toContainEqual([0xc0000004, true]);
    expect(ntStatusError(0xc0000999 | 0, 'X').code).toBe('STATUS_0xC0000999');
  });

  it('an HRESULT wrapping a Win32 code (facility 7) is that Win32Error; any other keeps the HRESULT', () => {
    const wrapped = hresultError(0x80070002 | 0, 'X', 'p');
    expect({ code: wrapped.code, errno: wrapped.errno, path: wrapped.path }).toEqual({ code: 'ERROR_FILE_NOT_FOUND', errno: 2, path: 'p' });
    const other = hresultError(0x80004005 | 0, 'X');
    expect({ code: other.code, errno: other.errno }).toEqual({ code: 'E_FAIL', errno: -2147467259 });
    expect(hresultError(0x8000ffff | 0, 'X').code).toBe('HRESULT_0x8000FFFF');
  });

  it('code tables come from named number constants', () => {
    expect(codeNames({ A: 1, B: 2 }, ['B', 'A'])).toEqual(new Map([[2, 'B'], [1, 'A']]));
    expect(() => codeNames({ A: 'x' }, ['A'])).toThrow(/error code A is not a number constant/);
  });
});

describe('argument and field checks', () => {
  it('handles are signed pointer-sized bigints', () => {
    expect(checkHandle(-1n, 'f', 'h', 64)).toBe(-1n);
    expect(() => checkHandle(1, 'f', 'h', 64)).toThrow(TypeError);
    expect(() => checkHandle(2n ** 31n, 'f', 'h', 32)).toThrow(/f\(\): argument 'h' is not a handle value/);
    expect(handleArray([1n, -1n], 'f', 'hs', 32, false)).toEqual(Int32Array.of(1, -1));
    expect(handleArray(null, 'f', 'hs', 64, true)).toBeNull();
    expect(() => handleArray([1n, 2], 'f', 'hs', 64, false)).toThrow(/argument 'hs\[1\]' must be a handle/);
    expect(() => handleArray(null, 'f', 'hs', 64, false)).toThrow(TypeError);
  });

  it('in/out integers and 32-bit flag sets are range-checked', () => {
    expect(intCell(7, 'f', 'n', 32, false)).toEqual(Uint32Array.of(7));
    expect(() => intCell(-1, 'f', 'n', 32, false)).toThrow(RangeError);
    expect(() => intCell(1n, 'f', 'n', 32, false)).toThrow(TypeError);
    expect(checkFlags32(0x80000000 | 0x40000000, 'x')).toBe(0xc0000000);
    expect(() => checkFlags32(2 ** 32, 'x')).toThrow(RangeError);
  });

  it('WCHAR[N] fields and UTF-16 buffers hold any string that fits, NUL-terminated', () => {
    const bytes = new Uint8Array(20);
    writeWString(bytes, 2, 8, 'ü✓𝄞', 'name');
    expect(readWString(bytes, 2, 8)).toBe('ü✓𝄞');
    expect(() => writeWString(bytes, 0, 4, 'abcd', 'name')).toThrow(/shorter than 4/);
    expect(() => writeWString(bytes, 0, 8, 'a\0b', 'name')).toThrow(TypeError);
    expect(fromUtf16(Uint16Array.of(0x68, 0x69, 0, 0x78))).toBe('hi');
    expect(fromUtf16(Uint16Array.of(0x68, 0x69, 0x78), 2)).toBe('hi');
  });
});
