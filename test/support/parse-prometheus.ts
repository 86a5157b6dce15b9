/** One sample of a Prometheus text exposition. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PrometheusExposition {
  samples: PrometheusSample[];
  /** `# TYPE` of each metric family. */
  types: Map<string, string>;
  /** Sum of the samples named `name` whose labels include `labels`. */
  value(name: string, labels?: Record<string, string>): number;
  /** Whether any sample is named `name` (with `labels`). */
  has(name: string, labels?: Record<string, string>): boolean;
}

const samplePattern = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(?:,\s*|$)/gy;
const typeNames = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * A value as Go's `strconv.ParseFloat` reads it (the format says so): numbers, and NaN and
 * infinities in any letter case (prom-client writes NaN as `Nan`).
 */
function parseGoFloat(text: string): number | undefined {
  if (/^nan$/i.test(text)) return Number.NaN;
  const infinity = text.match(/^([+-]?)inf(inity)?$/i);
  if (infinity) return infinity[1] === '-' ? -Infinity : Infinity;
  const value = Number(text);
  return text.trim() !== '' && !Number.isNaN(value) ? value : undefined;
}

/**
 * A strict reader of the Prometheus text format (0.0.4), written from its specification: every
 * line must be a comment, a `# HELP`/`# TYPE` line or a sample of a declared family, label
 * values unescaped. Throws on the first line that is none of these.
 */
export function parsePrometheus(text: string): PrometheusExposition {
  const samples: PrometheusSample[] = [];
  const types = new Map<string, string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const type = line.match(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/);
      if (type) {
        if (!typeNames.has(type[2]!)) throw new Error(`line ${index + 1}: unknown type ${type[2]}`);
        types.set(type[1]!, type[2]!);
      } else if (line.startsWith('# TYPE')) {
        throw new Error(`line ${index + 1}: malformed TYPE line: ${line}`);
      }
      continue;
    }
    const match = line.match(samplePattern);
    if (!match) throw new Error(`line ${index + 1}: not a sample: ${line}`);
    const [, name, labelText = '', valueText] = match as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    labelPattern.lastIndex = 0;
    let consumed = 0;
    for (let label = labelPattern.exec(labelText); label; label = labelPattern.exec(labelText)) {
      labels[label[1]!] = label[2]!.replace(/\\(.)/g, (_all, escaped: string) => (escaped === 'n' ? '\n' : escaped));
      consumed = labelPattern.lastIndex;
    }
    if (consumed !== labelText.length) throw new Error(`line ${index + 1}: malformed labels: ${labelText}`);
    const value = parseGoFloat(valueText);
    if (value === undefined) throw new Error(`line ${index + 1}: not a number: ${valueText}`);
    const family = [name, name.replace(/_(bucket|sum|count|total|created)$/, '')].find((candidate) => types.has(candidate));
    if (!family) throw new Error(`line ${index + 1}: sample ${name} of no declared family`);
    samples.push({ name, labels, value });
  }
  const matching = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  return {
    samples,
    types,
    value: (name, labels) => matching(name, labels).reduce((sum, sample) => sum + sample.value, 0),
    has: (name, labels) => matching(name, labels).length > 0,
  };
}
