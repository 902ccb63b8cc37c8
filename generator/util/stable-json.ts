/**
 * Deterministic, diff-friendly JSON for spec files: keys keep the order given,
 * 2-space indentation, and any object or array that fits on one line of at most
 * `width` characters is written on one line (so a table row stays one line).
 */
export function stableJson(value: unknown, width = 120): string {
  return write(value, '', width) + '\n';
}

function write(value: unknown, indent: string, width: number): string {
  const flat = JSON.stringify(value);
  if (flat === undefined) throw new TypeError('stableJson: value is not representable as JSON');
  if (value === null || typeof value !== 'object') return flat;
  if (indent.length + flat.length <= width) return spaced(value);
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[\n' + value.map((v) => inner + write(v, inner, width)).join(',\n') + '\n' + indent + ']';
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return '{\n' + entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner, width)}`).join(',\n') + '\n' + indent + '}';
}

/** One-line form with a space after ':' and ',' for readability. */
function spaced(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(spaced).join(', ') + ']';
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return '{' + entries.map(([k, v]) => `${JSON.stringify(k)}: ${spaced(v)}`).join(', ') + '}';
}
