/**
 * The target matrix (specs/targets.yaml): one typed record per target. Every
 * per-architecture fact the generator needs is read from here.
 */
import { join } from 'node:path';
import { SpecError } from '../errors.js';
import type { AbiFacts } from '../model/ctype.js';
import { loadSpecFile, type SourceFile } from './source-file.js';

export type DataModel = 'LP64' | 'ILP32' | 'LLP64';

export interface SyscallTableSource {
  /** `tbl`: an arch's syscall*.tbl; `generic`: asm-generic (scripts/syscall.tbl or unistd.h). */
  format: 'tbl' | 'generic';
  file: string;
  abis: string[];
}

export interface Target {
  name: string;
  platform: 'linux' | 'win32';
  arch: string;
  dataModel: DataModel;
  endian: 'little' | 'big';
  charSigned: boolean;
  int64Align: 4 | 8;
  maxAlign: number;
  bitfields: 'gcc' | 'msvc';
  unnamedBitfieldAlign?: boolean;
  /** Where a 64-bit syscall argument on a 32-bit target must start: `even` register (arm EABI) or `any`. */
  syscallPairAlign?: 'even' | 'any';
  kernelArch?: string;
  uapiArch?: string;
  syscallTable?: SyscallTableSource;
  syscallOffset?: number;
  triple: string;
  clangTarget: string;
  emulator: { command: string; sysroot?: string } | null;
  nodePackage: string | null;
  generate: boolean;
}

const targetSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['platform', 'arch', 'dataModel', 'endian', 'charSigned', 'int64Align', 'maxAlign', 'bitfields', 'triple',
    'clangTarget', 'emulator', 'nodePackage', 'generate'],
  properties: {
    platform: { enum: ['linux', 'win32'] },
    arch: { type: 'string' },
    dataModel: { enum: ['LP64', 'ILP32', 'LLP64'] },
    endian: { enum: ['little', 'big'] },
    charSigned: { type: 'boolean' },
    int64Align: { enum: [4, 8] },
    maxAlign: { type: 'integer', minimum: 1 },
    bitfields: { enum: ['gcc', 'msvc'] },
    unnamedBitfieldAlign: { type: 'boolean' },
    syscallPairAlign: { enum: ['even', 'any'] },
    kernelArch: { type: 'string' },
    uapiArch: { type: 'string' },
    syscallTable: {
      type: 'object',
      additionalProperties: false,
      required: ['format', 'file', 'abis'],
      properties: {
        format: { enum: ['tbl', 'generic'] },
        file: { type: 'string' },
        abis: { type: 'array', items: { type: 'string' }, minItems: 1 },
      },
    },
    syscallOffset: { type: 'integer', minimum: 0 },
    triple: { type: 'string' },
    clangTarget: { type: 'string' },
    emulator: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['command'],
          properties: { command: { type: 'string' }, sysroot: { type: 'string' } },
        },
      ],
    },
    nodePackage: { type: ['string', 'null'] },
    generate: { type: 'boolean' },
  },
} as const;

const fileSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['typesFrom', 'targets'],
  properties: { typesFrom: { type: 'string' }, targets: { type: 'object', additionalProperties: targetSchema } },
} as const;

export interface TargetMatrix {
  source: SourceFile<{ typesFrom: string; targets: Record<string, Omit<Target, 'name'>> }>;
  /** The target whose types the package entry (generated/index.ts) carries. */
  typesFrom: string;
  targets: Target[];
  get(name: string): Target;
}

export function loadTargets(specsDir: string): TargetMatrix {
  const source = loadSpecFile<{ typesFrom: string; targets: Record<string, Omit<Target, 'name'>> }>(join(specsDir, 'targets.yaml'), fileSchema);
  const targets: Target[] = [];
  for (const [name, t] of Object.entries(source.data.targets)) {
    if (name !== `${t.platform}-${t.arch}`) {
      throw new SpecError(`target '${name}' must be named '${t.platform}-${t.arch}' (platform-arch)`, source.at(['targets', name]));
    }
    if (t.platform === 'linux' && (!t.syscallTable || !t.kernelArch)) {
      throw new SpecError(`linux target '${name}' needs kernelArch and syscallTable`, source.at(['targets', name]));
    }
    targets.push({ name, ...t });
  }
  targets.sort((a, b) => a.name.localeCompare(b.name));
  if (!targets.some((t) => t.name === source.data.typesFrom)) throw new SpecError(`typesFrom names unknown target '${source.data.typesFrom}'`, source.at(['typesFrom']));
  return {
    source,
    typesFrom: source.data.typesFrom,
    targets,
    get(name: string): Target {
      const t = targets.find((x) => x.name === name);
      if (!t) throw new SpecError(`unknown target '${name}'; known: ${targets.map((x) => x.name).join(', ')}`);
      return t;
    },
  };
}

/** The host's target name in Node's terms. */
export function hostTargetName(): string {
  return `${process.platform}-${process.arch}`;
}

/** The C ABI facts of a target the layout engine needs. */
export function abiOf(target: Target): AbiFacts {
  const { dataModel, int64Align, bitfields, charSigned, endian, unnamedBitfieldAlign } = target;
  return { dataModel, int64Align, bitfields, charSigned, endian, ...(unnamedBitfieldAlign ? { unnamedBitfieldAlign } : {}) };
}
