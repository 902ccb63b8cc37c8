/**
 * System V message queues: msgget, msgsnd and msgrcv with struct msgbuf (the
 * message type, a C long, then the text), msgctl and shmctl with their
 * msqid64_ds / shmid64_ds records. The other side of each check is the
 * kernel's own tables, /proc/sysvipc/msg and /proc/sysvipc/shm, and ipcrm,
 * which removes a queue.
 */
import { endianness } from 'node:os';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as sys from '../../generated/index.js';
import { sh } from './helpers.js';

/** A C long: 4 bytes on arm and ia32, 8 elsewhere. */
const LONG = ['arm', 'ia32'].includes(process.arch) ? 4 : 8;
const little = endianness() === 'LE';

/** A struct msgbuf: mtype (a C long in the target's byte order), then the text. */
function msgbuf(mtype: number, text: string | number): Uint8Array {
  const body = typeof text === 'string' ? new TextEncoder().encode(text) : new Uint8Array(text);
  const b = new Uint8Array(LONG + body.length);
  const v = new DataView(b.buffer);
  if (LONG === 8) v.setBigInt64(0, BigInt(mtype), little);
  else v.setInt32(0, mtype, little);
  b.set(body, LONG);
  return b;
}
const mtypeOf = (b: Uint8Array) => (LONG === 8 ? Number(new DataView(b.buffer).getBigInt64(0, little)) : new DataView(b.buffer).getInt32(0, little));

/** The kernel's row for a queue (or segment) in /proc/sysvipc/msg (shm), by its header's column names. */
function sysvRow(table: 'msg' | 'shm', id: number): Record<string, string> | undefined {
  const [head, ...rows] = fs.readFileSync(`/proc/sysvipc/${table}`, 'utf8').trim().split('\n');
  const names = head!.trim().split(/\s+/);
  for (const row of rows) {
    const cells = row.trim().split(/\s+/);
    const r = Object.fromEntries(names.map((n, i) => [n, cells[i]!]));
    if (Number(r[table === 'msg' ? 'msqid' : 'shmid']) === id) return r;
  }
  return undefined;
}
const queueRow = (msqid: number) => sysvRow('msg', msqid);
/** linux-arm and linux-mips64el bind the old msgctl/shmctl entries, which take the record's layout from IPC_64 in cmd. */
const IPC_LAYOUT = ['linux-arm', 'linux-mips64el'].includes(sys.target as string) ? sys.IPC_64 : 0;

const queues: number[] = [];
afterEach(() => {
  for (const id of queues.splice(0)) sh(`ipcrm -q ${id} 2>/dev/null || true`);
});
const newQueue = () => {
  const id = sys.msgget(sys.IPC_PRIVATE, sys.IPC_CREAT | 0o600);
  queues.push(id);
  return id;
};

describe('System V message queues', () => {
  it('msgsnd queues a typed message the kernel counts; msgrcv takes it back with its type and text', () => {
    const q = newQueue();
    expect(queueRow(q)).toMatchObject({ cbytes: '0', qnum: '0' });
    sys.msgsnd(q, msgbuf(5, 'hello'), undefined, 0);
    sys.msgsnd(q, msgbuf(9, 'second message'), undefined, 0);
    expect(queueRow(q)).toMatchObject({ cbytes: String(5 + 14), qnum: '2', lspid: String(process.pid) });
    // A type filter: the first message of type 9, though type 5 came first.
    const out = new Uint8Array(LONG + 64);
    const n = sys.msgrcv(q, out, undefined, 9, 0);
    expect([n, mtypeOf(out), new TextDecoder().decode(out.subarray(LONG, LONG + n))]).toEqual([14, 9, 'second message']);
    expect(queueRow(q)).toMatchObject({ cbytes: '5', qnum: '1', lrpid: String(process.pid) });
    expect(sys.msgrcv(q, out, undefined, 0, 0)).toBe(5);
    expect(mtypeOf(out)).toBe(5);
  });

  it('msgrcv with IPC_NOWAIT on an empty queue is ENOMSG; a message longer than msgsz is E2BIG unless MSG_NOERROR cuts it', () => {
    const q = newQueue();
    const out = new Uint8Array(LONG + 4);
    expect(() => sys.msgrcv(q, out, undefined, 0, sys.IPC_NOWAIT)).toThrow(expect.objectContaining({ code: 'ENOMSG', syscall: 'msgrcv' }));
    sys.msgsnd(q, msgbuf(1, 'too long'), undefined, 0);
    expect(() => sys.msgrcv(q, out, undefined, 0, sys.IPC_NOWAIT)).toThrow(expect.objectContaining({ code: 'E2BIG' }));
    expect(sys.msgrcv(q, out, undefined, 0, sys.IPC_NOWAIT | sys.MSG_NOERROR)).toBe(4);
    expect(new TextDecoder().decode(out.subarray(LONG))).toBe('too ');
    expect(queueRow(q)).toMatchObject({ qnum: '0' });
  });

  it('refuses a size beyond the buffer after its header, or a buffer without room for the type, before the call', () => {
    const q = newQueue();
    expect(() => sys.msgsnd(q, msgbuf(1, 'abc'), 4, 0)).toThrow(/'msgsz' exceeds the bytes of 'msgp' after its \d-byte header/);
    expect(() => sys.msgrcv(q, new Uint8Array(LONG - 1), 0, 0, 0)).toThrow(/'msgp' must hold its \d-byte header/);
    // A type below 1 is the kernel's EINVAL; nothing reached the queue.
    expect(() => sys.msgsnd(q, msgbuf(0, 'x'), undefined, 0)).toThrow(expect.objectContaining({ code: 'EINVAL', syscall: 'msgsnd' }));
    expect(queueRow(q)).toMatchObject({ qnum: '0' });
  });

  it('async.msgrcv waits off the JS thread for a message sent later', async () => {
    const q = newQueue();
    setTimeout(() => sys.msgsnd(q, msgbuf(3, 'later'), undefined, 0), 20);
    const out = new Uint8Array(LONG + 16);
    expect(await sys.async.msgrcv(q, out, undefined, 0, 0)).toBe(5);
    expect(mtypeOf(out)).toBe(3);
  });
});

describe('msgctl and shmctl', () => {
  it('msgctl IPC_STAT fills a Msqid64Ds with what /proc/sysvipc/msg says: messages, bytes, last sender, owner, mode', () => {
    const q = newQueue();
    sys.msgsnd(q, msgbuf(5, 'hello'), undefined, 0);
    sys.msgsnd(q, msgbuf(9, 'second message'), undefined, 0);
    const ds = new sys.Msqid64Ds();
    sys.msgctl(q, sys.IPC_STAT | IPC_LAYOUT, ds);
    const row = queueRow(q)!;
    expect([Number(ds.msg_qnum), Number(ds.msg_cbytes), ds.msg_lspid]).toEqual([Number(row.qnum), Number(row.cbytes), Number(row.lspid)]);
    expect([Number(ds.msg_qnum), ds.msg_lspid]).toEqual([2, process.pid]);
    expect([ds.msg_perm.uid, ds.msg_perm.mode & 0o777]).toEqual([Number(row.uid), parseInt(row.perms!, 8)]);
    expect(Number(ds.msg_qbytes)).toBe(Number(fs.readFileSync('/proc/sys/kernel/msgmnb', 'utf8')));
  });

  it('msgctl IPC_SET changes the mode and lowers msg_qbytes (then msgsnd past it waits: EAGAIN with IPC_NOWAIT); IPC_RMID removes the queue', () => {
    const q = newQueue();
    const ds = new sys.Msqid64Ds();
    sys.msgctl(q, sys.IPC_STAT | IPC_LAYOUT, ds);
    ds.msg_perm.mode = 0o640;
    ds.msg_qbytes = typeof ds.msg_qbytes === 'bigint' ? 8n : (8 as never);
    sys.msgctl(q, sys.IPC_SET | IPC_LAYOUT, ds);
    expect(queueRow(q)!.perms).toBe('640');
    const again = new sys.Msqid64Ds();
    sys.msgctl(q, sys.IPC_STAT | IPC_LAYOUT, again);
    expect(Number(again.msg_qbytes)).toBe(8);
    sys.msgsnd(q, msgbuf(1, '12345678'), undefined, sys.IPC_NOWAIT);
    expect(() => sys.msgsnd(q, msgbuf(1, 'x'), undefined, sys.IPC_NOWAIT)).toThrow(expect.objectContaining({ code: 'EAGAIN', syscall: 'msgsnd' }));
    sys.msgctl(q, sys.IPC_RMID, null);
    expect(queueRow(q)).toBeUndefined();
  });

  it('shmctl IPC_STAT fills a Shmid64Ds as /proc/sysvipc/shm says (size, creator, attaches); IPC_RMID removes the segment', () => {
    const id = sys.shmget(sys.IPC_PRIVATE, 8192, sys.IPC_CREAT | 0o600);
    try {
      const ds = new sys.Shmid64Ds();
      sys.shmctl(id, sys.IPC_STAT | IPC_LAYOUT, ds);
      const row = sysvRow('shm', id)!;
      expect([Number(ds.shm_segsz), ds.shm_cpid, Number(ds.shm_nattch)]).toEqual([Number(row.size), Number(row.cpid), Number(row.nattch)]);
      expect([Number(ds.shm_segsz), ds.shm_cpid, Number(ds.shm_nattch)]).toEqual([8192, process.pid, 0]);
      expect(ds.shm_perm.mode & 0o777).toBe(parseInt(row.perms!, 8));
    } finally {
      sys.shmctl(id, sys.IPC_RMID, null);
    }
    expect(sysvRow('shm', id)).toBeUndefined();
  });

  it('a record of the wrong class or too few bytes is refused before the call', () => {
    const q = newQueue();
    expect(() => sys.msgctl(q, sys.IPC_STAT, new sys.Shmid64Ds() as never)).toThrow(TypeError);
    expect(() => sys.msgctl(q, sys.IPC_STAT, new Uint8Array(8) as never)).toThrow(/argument 'buf'/);
    expect(() => sys.shmctl(0, sys.IPC_STAT, new sys.Msqid64Ds() as never)).toThrow(TypeError);
  });
});
