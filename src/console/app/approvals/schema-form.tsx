import { useState } from 'preact/hooks';
import { dollars } from '../format.ts';

/** The part of JSON Schema the form understands; anything else is edited as JSON. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

type FieldKind = 'integer' | 'number' | 'string' | 'enum' | 'boolean' | 'json';

function kindOf(schema: JsonSchema): FieldKind {
  if (schema.enum) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((candidate) => candidate !== 'null') : schema.type;
  return type === 'integer' || type === 'number' || type === 'string' || type === 'boolean' ? type : 'json';
}

const toText = (kind: FieldKind, value: unknown) => (value === undefined ? '' : kind === 'json' || kind === 'enum' ? JSON.stringify(value) : String(value));

/** Read one field's text back into a value, or say what is wrong with it, in words. */
export function readField(name: string, schema: JsonSchema, text: string, required: boolean): { value?: unknown; problem?: string } {
  const kind = kindOf(schema);
  if (text.trim() === '' && kind !== 'boolean') return required ? { problem: `${name} is required` } : {};
  if (kind === 'boolean') return { value: text === 'true' };
  if (kind === 'integer' || kind === 'number') {
    const value = Number(text);
    if (!Number.isFinite(value)) return { problem: `${name} must be a number` };
    if (kind === 'integer' && !Number.isInteger(value)) return { problem: `${name} must be a whole number` };
    if (schema.minimum !== undefined && value < schema.minimum) return { problem: `${name} must be at least ${schema.minimum}` };
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return { problem: `${name} must be more than ${schema.exclusiveMinimum}` };
    if (schema.maximum !== undefined && value > schema.maximum) return { problem: `${name} must be at most ${schema.maximum}` };
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return { problem: `${name} must be less than ${schema.exclusiveMaximum}` };
    return { value };
  }
  if (kind === 'string') {
    if (schema.minLength !== undefined && text.length < schema.minLength) return { problem: `${name} must have at least ${schema.minLength} characters` };
    if (schema.maxLength !== undefined && text.length > schema.maxLength) return { problem: `${name} must have at most ${schema.maxLength} characters` };
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(text)) return { problem: `${name} does not have the expected form` };
    return { value: text };
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (kind === 'enum' && !schema.enum!.some((option) => JSON.stringify(option) === JSON.stringify(value))) return { problem: `${name} must be one of the listed values` };
    return { value };
  } catch {
    return { problem: `${name} must be valid JSON` };
  }
}

export interface SchemaFormProps {
  /** Used in element ids, so several forms can share a page. */
  idPrefix: string;
  schema: JsonSchema;
  initial: Record<string, unknown>;
  submitLabel: string;
  busy: boolean;
  onSubmit: (args: Record<string, unknown>) => void;
  onCancel: () => void;
}

/**
 * A form generated from a tool's argument schema, one field per property, checked here before
 * it is sent (the server validates and guards the edited call again, and says why it refuses).
 */
export function SchemaForm({ idPrefix, schema, initial, submitLabel, busy, onSubmit, onCancel }: SchemaFormProps) {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const [texts, setTexts] = useState<Record<string, string>>(() =>
    Object.fromEntries(properties.map(([name, property]) => [name, toText(kindOf(property), initial[name])])));
  const [problems, setProblems] = useState<Record<string, string>>({});

  function submit(event: Event) {
    event.preventDefault();
    const args: Record<string, unknown> = {};
    const found: Record<string, string> = {};
    for (const [name, property] of properties) {
      const { value, problem } = readField(name, property, texts[name] ?? '', required.has(name));
      if (problem) found[name] = problem;
      else if (value !== undefined) args[name] = value;
    }
    setProblems(found);
    if (Object.keys(found).length === 0) onSubmit(args);
  }

  return (
    <form class="schema-form" onSubmit={submit} noValidate aria-label="Edit the arguments">
      {properties.map(([name, property]) => {
        const kind = kindOf(property);
        const id = `${idPrefix}-${name}`;
        const text = texts[name] ?? '';
        const set = (value: string) => setTexts({ ...texts, [name]: value });
        const problem = problems[name];
        const describedBy = problem ? `${id}-problem` : property.description ? `${id}-description` : undefined;
        const common = { id, name, 'aria-invalid': problem ? true : undefined, 'aria-describedby': describedBy };
        return (
          <div class="field" key={name}>
            <label for={id}>{name}{required.has(name) ? '' : ' (optional)'}</label>
            {kind === 'boolean' && <input type="checkbox" {...common} checked={text === 'true'} onChange={(event) => set(String(event.currentTarget.checked))} />}
            {kind === 'enum' && (
              <select {...common} value={text} onChange={(event) => set(event.currentTarget.value)}>
                {!required.has(name) && <option value="">—</option>}
                {property.enum!.map((option) => <option value={JSON.stringify(option)}>{String(option)}</option>)}
              </select>
            )}
            {(kind === 'integer' || kind === 'number') && <input type="number" step={kind === 'integer' ? 1 : 'any'} inputMode="numeric" {...common} value={text} onInput={(event) => set(event.currentTarget.value)} />}
            {kind === 'string' && <input type="text" {...common} value={text} onInput={(event) => set(event.currentTarget.value)} />}
            {kind === 'json' && <textarea rows={3} {...common} value={text} onInput={(event) => set(event.currentTarget.value)} />}
            {/Cents$/.test(name) && Number.isFinite(Number(text)) && text !== '' && <span class="hint" id={`${id}-dollars`}>= {dollars(Number(text))}</span>}
            {property.description && !problem && <span class="hint" id={`${id}-description`}>{property.description}</span>}
            {problem && <span class="problem" id={`${id}-problem`} role="alert">{problem}</span>}
          </div>
        );
      })}
      <div class="actions">
        <button type="submit" class="primary" data-action="submit-edit" disabled={busy}>{submitLabel}</button>
        <button type="button" onClick={onCancel} disabled={busy}>Cancel</button>
      </div>
    </form>
  );
}
