/**
 * Infers how a function reports failure from what the metadata says: its
 * return type and its SetLastError flag. Each rule is written down with the
 * result, so a reader of the specs sees why. Where no rule applies (an
 * integer return with SetLastError, say) the result is null: the metadata is
 * silent and the selection must give a convention.
 */
import type { SelectionFile } from '../../spec/win32-selection.js';
import type { Failure } from '../../spec/win32-spec-types.js';

/** What the rules look at: the return type, reduced to what matters. */
export type ReturnShape =
  | { kind: 'void' }
  | { kind: 'pointer' }
  /** A named type (typedef or enum); `handle` when it is a handle typedef, with its invalid value. */
  | { kind: 'named'; name: string; handle?: { invalidValue?: number } }
  | { kind: 'native'; name: string };

export function inferFailure(ret: ReturnShape, setLastError: boolean, sel: Pick<SelectionFile, 'booleans' | 'errors'>): { kind: Failure; rule: string } | null {
  const named = ret.kind === 'named' ? ret.name : undefined;
  if (named === sel.errors.ntstatus.type) return { kind: 'ntstatus', rule: `returns ${named}` };
  if (named === sel.errors.hresult.type) return { kind: 'hresult', rule: `returns ${named}` };
  if (ret.kind === 'void') return { kind: 'none', rule: 'returns nothing' };
  if (!setLastError) {
    if (named === sel.errors.lastError.type) return { kind: 'error-code', rule: `returns ${named} and does not set the last error` };
    return { kind: 'none', rule: 'returns no status type and does not set the last error' };
  }
  if (named !== undefined && sel.booleans.includes(named)) return { kind: 'false', rule: `returns ${named} and sets the last error` };
  if (ret.kind === 'named' && ret.handle) {
    if (ret.handle.invalidValue === -1) return { kind: 'invalid-handle', rule: `returns handle ${named}, invalid value -1, and sets the last error` };
    if (ret.handle.invalidValue === 0) return { kind: 'null', rule: `returns handle ${named}, invalid value 0, and sets the last error` };
  }
  if (ret.kind === 'pointer') return { kind: 'null', rule: 'returns a pointer and sets the last error' };
  return null;
}
