/**
 * Typed errors of the cross stage (prebuilds, emulated test runs, the matrix).
 * A missing compiler or emulator stays a ToolchainError (generator/errors.ts),
 * so callers can tell "not installed here" from "built or ran and failed".
 */
import { SysbindError } from '../errors.js';

/** A cross build ran and failed (cmake-js exit status, no artefact, wrong machine in the artefact). */
export class CrossBuildError extends SysbindError {}

/** A foreign Node could not be fetched, or a run under the emulator did not produce a result. */
export class EmulationError extends SysbindError {}
