/**
 * Installs a Windows service, starts it, interrogates it, stops it and deletes
 * it, all through the Service Control Manager (OpenSCManagerW, CreateServiceW,
 * StartServiceW, QueryServiceStatus, ControlService, DeleteService). The SC_HANDLEs
 * are tracked: the binding accepts only live ones, so a closed handle is a TypeError.
 *
 *   npx tsx examples/win32/service.ts <name> "<service program and its arguments>"
 *
 * The program must be a real service (one that calls StartServiceCtrlDispatcherW);
 * under wine the SCM is wine's services.exe.
 */
import * as win from '../../generated/win32-x64/index.js';

const { kernel32: k, advapi32: adv } = win;
const [name, commandLine] = process.argv.slice(2);
if (!name || !commandLine) {
  console.error('usage: service.ts <name> "<service program and its arguments>"');
  process.exit(2);
}
const states: Record<number, string> = {
  [win.SERVICE_STOPPED]: 'STOPPED',
  [win.SERVICE_START_PENDING]: 'START_PENDING',
  [win.SERVICE_STOP_PENDING]: 'STOP_PENDING',
  [win.SERVICE_RUNNING]: 'RUNNING',
};

/** Polls the service's state until it is `state` (or 10 s pass). */
function waitFor(service: win.SC_HANDLE, state: number): string {
  for (let i = 0; i < 100; i++) {
    const now = adv.QueryServiceStatus(service).dwCurrentState;
    if (now === state) break;
    k.Sleep(100);
  }
  const now = adv.QueryServiceStatus(service).dwCurrentState;
  return states[now] ?? String(now);
}

const scm = adv.OpenSCManagerW(null, null, win.SC_MANAGER_ALL_ACCESS);
try {
  const { result: service } = adv.CreateServiceW(scm, name, `sysbind example ${name}`, win.SERVICE_ALL_ACCESS, win.SERVICE_WIN32_OWN_PROCESS, win.SERVICE_DEMAND_START, win.SERVICE_ERROR_NORMAL, commandLine);
  console.log(`created ${name}: ${states[adv.QueryServiceStatus(service).dwCurrentState]}`);
  try {
    adv.StartServiceW(service);
    console.log(`started: ${waitFor(service, win.SERVICE_RUNNING)}`);
    const interrogated = adv.ControlService(service, win.SERVICE_CONTROL_INTERROGATE);
    console.log(`interrogated: ${states[interrogated.dwCurrentState]}, accepts stop: ${(interrogated.dwControlsAccepted & win.SERVICE_ACCEPT_STOP) !== 0}`);
    adv.ControlService(service, win.SERVICE_CONTROL_STOP);
    console.log(`stopped: ${waitFor(service, win.SERVICE_STOPPED)}`);
  } finally {
    adv.DeleteService(service);
    adv.CloseServiceHandle(service);
  }
  try {
    adv.QueryServiceStatus(service);
  } catch (e) {
    console.log(`the closed handle: ${(e as Error).constructor.name}`);
  }
  try {
    adv.OpenServiceW(scm, name, win.SERVICE_QUERY_STATUS);
    console.log('still there after DeleteService');
  } catch (e) {
    console.log(`deleted: ${(e as win.Win32Error).code}`);
  }
} finally {
  adv.CloseServiceHandle(scm);
}
