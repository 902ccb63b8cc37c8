/**
 * Typed errors, one class per stage. Each carries where the problem is (a spec
 * file and line, or a JSON path) so the CLI can print `file:line: message`.
 */

export interface Place {
  file: string;
  line?: number;
  /** JSON path inside the file, like `/syscalls/3/nr`, when no line is known. */
  path?: string;
}

export function formatPlace(place: Place): string {
  if (place.line !== undefined) return `${place.file}:${place.line}`;
  if (place.path) return `${place.file} at ${place.path}`;
  return place.file;
}

/** Base class: a problem with the input, reported to the user as `place: message`. */
export class SysbindError extends Error {
  constructor(
    message: string,
    readonly place?: Place,
  ) {
    super(place ? `${formatPlace(place)}: ${message}` : message);
    this.name = new.target.name;
  }
}

/** A spec file is malformed or refers to something that does not exist. */
export class SpecError extends SysbindError {}

/** The importer could not read its input (kernel tree, metadata). */
export class ImportError extends SysbindError {}

/** The generator could not turn a valid spec into code (an unsupported construct). */
export class EmitError extends SysbindError {}

/** A record cannot be laid out as declared (a rule of C it breaks), at the spec place that declares it. */
export class LayoutError extends SysbindError {}

/** A compiler or emulator needed by the audit is missing or failed. */
export class ToolchainError extends SysbindError {}
