/**
 * Looks a privilege up by name (LookupPrivilegeValueW), enables it in this
 * process's token (OpenProcessToken + AdjustTokenPrivileges), reads the token's
 * privileges back with GetTokenInformation, and disables it again.
 *
 *   npx tsx examples/win32/privileges.ts [SeShutdownPrivilege]     (on Windows, or under wine)
 */
import * as win from '../../generated/win32-x64/index.js';

const { kernel32: k, advapi32: adv } = win;
const name = process.argv[2] ?? 'SeShutdownPrivilege';
const luid = adv.LookupPrivilegeValueW(null, name);
const token = adv.OpenProcessToken(k.GetCurrentProcess(), win.TOKEN_ADJUST_PRIVILEGES | win.TOKEN_QUERY);

/** The privilege's attributes in the token now (GetTokenInformation's TOKEN_PRIVILEGES, entry by entry). */
function attributes(): number | undefined {
  const bytes = new Uint8Array(4096);
  adv.GetTokenInformation(token, win.TokenPrivileges, bytes);
  const count = new win.TOKEN_PRIVILEGES(bytes).PrivilegeCount;
  for (let i = 0; i < count; i++) {
    const entry = new win.LUID_AND_ATTRIBUTES(bytes.subarray(4 + i * 12, 16 + i * 12));
    if (entry.Luid.LowPart === luid.LowPart && entry.Luid.HighPart === luid.HighPart) return entry.Attributes;
  }
  return undefined;
}

function set(enabled: boolean): void {
  const wanted = new win.TOKEN_PRIVILEGES();
  wanted.PrivilegeCount = 1;
  const [entry] = wanted.Privileges;
  entry!.Luid.LowPart = luid.LowPart;
  entry!.Luid.HighPart = luid.HighPart;
  entry!.Attributes = enabled ? win.SE_PRIVILEGE_ENABLED : 0;
  adv.AdjustTokenPrivileges(token, false, wanted);
}

try {
  console.log(`${name}: LUID ${luid.HighPart}:${luid.LowPart}`);
  const before = attributes();
  set(true);
  const enabled = attributes();
  set(false);
  const after = attributes();
  console.log(`attributes before ${before}, enabled ${enabled}, disabled again ${after}`);
} finally {
  k.CloseHandle(token);
}
