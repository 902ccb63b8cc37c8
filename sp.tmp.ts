import * as sys from './generated/index.js';
import { openSync, readFileSync } from 'node:fs';
const fd = openSync('/tmp/sp-out.txt', 'w');
const s = sys.spawn('/bin/sh', ['sh', '-c', 'echo hi $A; pwd; exit 7'], ['A=1'], { cwd: '/usr', fdActions: [{ dup2: [fd, 1] }] });
const info = sys.waitid_pidfd(s.pidfd, undefined, sys.WEXITED);
console.log(info.si_code, info._sifields._sigchld._pid === s.pid, info._sifields._sigchld._status, JSON.stringify(readFileSync('/tmp/sp-out.txt', 'utf8')));
const t = sys.spawn('/bin/sh', ['sh', '-c', 'echo direct'], []);
sys.waitid_pidfd(t.pidfd, undefined, sys.WEXITED);
