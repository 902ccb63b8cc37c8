/**
 * Loads every Linux spec file once (tables, prototypes, kernel typedefs,
 * semantics, constants, struct declarations) with schema validation. Per-target
 * resolution happens in linux-model.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SpecError } from '../errors.js';
import { loadDanger, type DangerFile } from './danger.js';
import { loadSemantics, type SemanticsFile } from './semantics.js';
import { loadSpecFile, type SourceFile } from './source-file.js';
import { loadTypeSpecs, type TypeSpecs } from './struct-specs.js';
import type { Target } from './targets.js';

export interface SyscallTableFile {
  $comment?: string;
  source: { kernel: string; file: string; abis: string[] };
  syscalls: { name: string; nr: number; abi: string; entry?: string | null }[];
}

export interface Prototype {
  ret: string;
  params: { name: string; type: string }[];
  from?: string;
  via?: string;
}

export interface PrototypesFile {
  $comment?: string;
  source: { kernel: string; files: string[] };
  prototypes: Record<string, Prototype & { byArch?: Record<string, Prototype> }>;
}

export interface KernelTypedefsFile {
  typedefs: Record<string, { type: string; byDataModel?: Record<string, string>; byArch?: Record<string, string> }>;
}

export interface ConstantEntry {
  name: string;
  value: number | string;
  alias?: string;
  description?: string;
}

export interface ConstantsFile {
  $comment?: string;
  source: Record<string, unknown>;
  families: Record<string, { follows: 'kernel' | 'glibc'; headers: string[]; constants: ConstantEntry[] }>;
}

const tableSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'syscalls'],
  properties: {
    $comment: { type: 'string' },
    source: {
      type: 'object',
      additionalProperties: false,
      required: ['kernel', 'file', 'abis'],
      properties: { kernel: { type: 'string' }, file: { type: 'string' }, abis: { type: 'array', items: { type: 'string' } } },
    },
    syscalls: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'nr', 'abi'],
        properties: {
          name: { type: 'string', pattern: '^[a-z_][a-z0-9_]*$' },
          nr: { type: 'integer', minimum: 0 },
          abi: { type: 'string' },
          entry: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

const prototypeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['ret', 'params'],
  properties: {
    ret: { type: 'string' },
    from: { type: 'string' },
    /** The entry point this prototype was found through (an arch wrapper's target). */
    via: { type: 'string' },
    params: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'type'],
        properties: { name: { type: 'string' }, type: { type: 'string' } },
      },
    },
  },
} as const;

const prototypesSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'prototypes'],
  properties: {
    $comment: { type: 'string' },
    source: { type: 'object' },
    prototypes: {
      type: 'object',
      additionalProperties: {
        ...prototypeSchema,
        properties: {
          ...prototypeSchema.properties,
          /** Where an arch declares the entry point differently: kernelArch → prototype. */
          byArch: { type: 'object', additionalProperties: prototypeSchema },
        },
      },
    },
  },
} as const;

const typedefsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['typedefs'],
  properties: {
    typedefs: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['type'],
        properties: {
          type: { type: 'string' },
          byDataModel: { type: 'object', additionalProperties: { type: 'string' } },
          byArch: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
} as const;

const constantsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'families'],
  properties: {
    $comment: { type: 'string' },
    source: { type: 'object' },
    families: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['follows', 'headers', 'constants'],
        properties: {
          follows: { enum: ['kernel', 'glibc'] },
          headers: { type: 'array', items: { type: 'string' } },
          constants: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'value'],
              properties: {
                name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
                value: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?[0-9]+$' }] },
                alias: { type: 'string' },
                description: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
} as const;

export interface LinuxSpecs {
  specsDir: string;
  prototypes: SourceFile<PrototypesFile>;
  typedefs: SourceFile<KernelTypedefsFile>;
  semantics: SourceFile<SemanticsFile>;
  /** Which calls are unsafe or refused, and why (specs/linux/danger.yaml). */
  danger: SourceFile<DangerFile>;
  types: TypeSpecs;
  /** Loaded on demand per target. */
  table(target: Target): SourceFile<SyscallTableFile>;
  constants(target: Target): SourceFile<ConstantsFile>;
}

export function loadLinuxSpecs(specsDir: string): LinuxSpecs {
  const dir = join(specsDir, 'linux');
  const tables = new Map<string, SourceFile<SyscallTableFile>>();
  const constants = new Map<string, SourceFile<ConstantsFile>>();
  const required = (file: string) => {
    if (!existsSync(file)) throw new SpecError(`missing spec file (run \`sysbind import linux\` to create it)`, { file });
    return file;
  };
  return {
    specsDir,
    prototypes: loadSpecFile<PrototypesFile>(required(join(dir, 'prototypes.json')), prototypesSchema),
    typedefs: loadSpecFile<KernelTypedefsFile>(required(join(dir, 'kernel-typedefs.yaml')), typedefsSchema),
    semantics: loadSemantics(required(join(dir, 'semantics.yaml'))),
    danger: loadDanger(required(join(dir, 'danger.yaml'))),
    types: loadTypeSpecs(join(dir, 'types')),
    table(target) {
      let t = tables.get(target.name);
      if (!t) {
        t = loadSpecFile<SyscallTableFile>(required(join(dir, 'syscalls', `${target.name}.json`)), tableSchema);
        checkTable(t);
        tables.set(target.name, t);
      }
      return t;
    },
    constants(target) {
      let c = constants.get(target.name);
      if (!c) {
        c = loadSpecFile<ConstantsFile>(required(join(dir, 'constants', `${target.name}.json`)), constantsSchema);
        checkConstants(c);
        constants.set(target.name, c);
      }
      return c;
    },
  };
}

/** A syscall name or number listed twice is an error, reported at the second occurrence. */
function checkTable(t: SourceFile<SyscallTableFile>): void {
  const names = new Map<string, number>();
  const nrs = new Map<number, number>();
  t.data.syscalls.forEach((s, i) => {
    const prevName = names.get(s.name);
    if (prevName !== undefined) {
      throw new SpecError(`duplicate syscall '${s.name}' (first at line ${t.lineOf(['syscalls', prevName])})`, t.at(['syscalls', i]));
    }
    const prevNr = nrs.get(s.nr);
    if (prevNr !== undefined) {
      throw new SpecError(`syscall number ${s.nr} given to both '${t.data.syscalls[prevNr]!.name}' and '${s.name}'`, t.at(['syscalls', i]));
    }
    names.set(s.name, i);
    nrs.set(s.nr, i);
  });
}

function checkConstants(c: SourceFile<ConstantsFile>): void {
  const seen = new Map<string, string>();
  for (const [family, f] of Object.entries(c.data.families)) {
    f.constants.forEach((k, i) => {
      const prev = seen.get(k.name);
      if (prev) throw new SpecError(`constant '${k.name}' appears in both '${prev}' and '${family}'`, c.at(['families', family, 'constants', i]));
      seen.set(k.name, family);
    });
  }
}
