/**
 * Why a Win32 function of the selection's DLLs is not bound. The function
 * builder throws `Refused` where the metadata does not describe a parameter
 * well enough for a safe binding; for a function named in `select` that is an
 * error the engineer must answer, for one that came in with its DLL it is a
 * refusal: counted by category in the coverage table and listed with its
 * reason in the target's refused.json.
 */
import { EmitError, type Place } from '../errors.js';

/** The refusals a selection may name by hand (`refuse:`), each for a fact no attribute states. */
export const CURATED_REFUSAL_CATEGORIES = [
  'hurts the process',
  'variable-length record',
  'untyped pointer',
  'unvalidated handle',
  'variadic',
  'writes after return',
  'unterminated string',
  'record with pointers',
] as const;
export type CuratedRefusalCategory = (typeof CURATED_REFUSAL_CATEGORIES)[number];

/** The short labels the coverage table counts refusals by. */
export type RefusalCategory =
  | CuratedRefusalCategory
  | 'callback'
  | 'COM interface'
  | 'unsupported array'
  | 'pointer result'
  | 'unsupported type'
  | 'address-sized integer'
  | 'does not return';

export class Refused extends EmitError {
  constructor(
    readonly category: RefusalCategory,
    /** Why, without the function's name (the message has it). */
    readonly reason: string,
    fn: string,
    place?: Place,
  ) {
    super(`${fn}: ${reason}`, place);
  }
}

export interface Refusal {
  name: string;
  dll: string;
  category: RefusalCategory;
  reason: string;
}
