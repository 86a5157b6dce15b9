import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

// What the conversion understands; anything else is refused at registration, not guessed at.
const supportedKeywords = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'description', 'title', 'default',
  'format', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minItems', 'maxItems', 'uniqueItems', 'nullable', 'example', 'examples', 'readOnly', 'writeOnly', 'deprecated',
]);
const supportedTypes = new Set(['object', 'string', 'integer', 'number', 'boolean', 'array']);

/** Strings without a bound get this one, so a model cannot send anything huge. */
export const defaultMaxStringLength = 10_000;

/**
 * Turn the JSON Schema subset OpenAPI operations usually need into a strict zod schema:
 * objects reject unknown keys, strings are bounded, local `$ref`s are inlined. Composition
 * (`oneOf`, `anyOf`, `allOf`, `not`), recursive refs and other keywords are refused with an
 * error naming the path, so a tool never gets a schema looser than its document.
 * @example jsonSchemaToZod({ type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] }, {})
 */
export function jsonSchemaToZod(schema: JsonSchema, components: Record<string, JsonSchema>): z.ZodType {
  const strict = tighten(schema, components, '#', []);
  return z.fromJSONSchema(strict as Parameters<typeof z.fromJSONSchema>[0]);
}

/** The strict JSON Schema the zod schema is built from (also what models are shown). */
export function tighten(schema: JsonSchema, components: Record<string, JsonSchema>, path: string, seen: string[]): JsonSchema {
  if (typeof schema.$ref === 'string') {
    const name = /^#\/components\/schemas\/([^/]+)$/.exec(schema.$ref)?.[1];
    if (name === undefined || components[name] === undefined) throw new TypeError(`${path}: only local #/components/schemas refs are supported (${schema.$ref})`);
    if (seen.includes(name)) throw new TypeError(`${path}: recursive schema "${name}" is not supported`);
    return tighten(components[name]!, components, `${path}->${name}`, [...seen, name]);
  }
  for (const keyword of Object.keys(schema)) {
    if (!supportedKeywords.has(keyword)) throw new TypeError(`${path}: JSON Schema keyword "${keyword}" is not supported`);
  }
  const type = schema.type;
  if (typeof type !== 'string' || !supportedTypes.has(type)) throw new TypeError(`${path}: needs one "type" of ${[...supportedTypes].join(', ')}`);
  const { nullable, example: _example, examples: _examples, readOnly: _readOnly, writeOnly: _writeOnly, deprecated: _deprecated, ...rest } = schema;
  let result: JsonSchema = { ...rest };
  if (type === 'object') {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
      throw new TypeError(`${path}: open objects (additionalProperties) are not supported`);
    }
    result = {
      ...result,
      properties: Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, tighten(value, components, `${path}.${key}`, seen)])),
      additionalProperties: false,
    };
  } else if (type === 'array') {
    if (schema.items === undefined) throw new TypeError(`${path}: arrays need "items"`);
    result = { ...result, items: tighten(schema.items as JsonSchema, components, `${path}[]`, seen), maxItems: schema.maxItems ?? 1_000 };
  } else if (type === 'string' && schema.maxLength === undefined && schema.enum === undefined) {
    result = { ...result, maxLength: defaultMaxStringLength };
  }
  // OpenAPI 3.0 `nullable` is JSON Schema's type union with null.
  return nullable === true ? { anyOf: [result, { type: 'null' }] } : result;
}
