/**
 * Malformed requests generated from an OpenAPI 3.1 document, deterministically from a seed:
 * for each operation a valid-looking request (from its schemas and examples), then that request
 * broken one way at a time. Used by the fuzz test; knows nothing about Overseer itself.
 */

export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  additionalProperties?: boolean | Schema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  example?: unknown;
  format?: string;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface FuzzRequest {
  /** `POST /threads/{thread_id}/runs`, as the document names it. */
  operation: string;
  /** How this request is broken. */
  mutation: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

type Random = () => number;

/** mulberry32: a small seeded PRNG, so every run sends the same requests. */
function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// No upper case and no "s": generated text can never spell what the test looks for in answers.
const alphabet = 'abcdefghijklmnopqrtuvwxyz0123456789';

function word(random: Random, length = 8): string {
  let text = '';
  for (let index = 0; index < length; index++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)]!;

// Numbers out of every range the API has: an accidental valid `after_seconds` would hold a worker.
const wrongValues: readonly unknown[] = [4_200_000_000, -1.5, 'text', true, null, [], {}, [1, 'a', null], { nested: { deeper: [] } }, 1e308, -0, ''];

const pathValues = [
  '%00', '..', '%2e%2e', '%2F', 'a%2Fb', 'x'.repeat(10_000), encodeURIComponent('é'), encodeURIComponent('😀'), '%ZZ', '%', '%20',
  '%0d%0a', '%ff', '%ed%a0%80', encodeURIComponent("'; drop table threadz;--"), encodeURIComponent('<b>'), '-1', '0', 'null',
  '__proto__', 'constructor', '%E2%80%AE', encodeURIComponent('a\u0007b'),
];

const queryValues = ['', 'abc', '-1', '1e309', '99999999999999999999', '1.5', '%00', 'x'.repeat(5_000), 'true', '[]', '%ff', 'NaN'];

const invalidJsonTexts: readonly (string | Buffer)[] = [
  '{', '}', '{"a":}', '{"a" 1}', 'nul', 'tru', '[1,]', "{'a':1}", '{"a":1}}', '{"a":1} x', '\u0000', 'NaN', '{"a":NaN}',
  '{"a":"\\x"}', '{"a":"\u0001"}', '1e99999', '-', '['.repeat(10), '{"a":"unterminated', '{"a":1,"a":2}', '"\\ud800"',
  Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), '\ufeff{}', '/* */{}',
];

const contentTypes = [
  undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml',
  'application/json; charset=utf-8', 'application/vnd.api+json', 'application/json, text/plain', 'json', ';;;',
  'application/jsonx', 'application/json; charset=latin1', 'APPLICATION/JSON',
];

function resolve(document: OpenApiDocument, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let hops = 0; current.$ref && hops < 10; hops++) {
    current = document.components?.schemas?.[current.$ref.replace('#/components/schemas/', '')] ?? {};
  }
  return current;
}

/** The non-null branch of a union, or the schema itself. */
function mainBranch(document: OpenApiDocument, schema: Schema | undefined): Schema {
  const resolved = resolve(document, schema);
  const branches = resolved.anyOf ?? resolved.oneOf;
  if (!branches) return resolved;
  return mainBranch(document, branches.find((branch) => resolve(document, branch).type !== 'null') ?? branches[0]);
}

function typeOf(schema: Schema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((type) => type !== 'null') : schema.type;
}

/** A value the schema accepts, as far as this small generator understands schemas. */
function sample(document: OpenApiDocument, schema: Schema | undefined, random: Random, depth = 0): unknown {
  const resolved = mainBranch(document, schema);
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.const !== undefined) return resolved.const;
  if (resolved.enum) return pick(random, resolved.enum);
  if (resolved.allOf) return Object.assign({}, ...resolved.allOf.map((part) => sample(document, part, random, depth)));
  switch (typeOf(resolved)) {
    case 'string':
      if (resolved.format === 'uri') return 'http://127.0.0.1:9/hook';
      return word(random, Math.min(Math.max(resolved.minLength ?? 1, 8), resolved.maxLength ?? 8));
    case 'integer':
    case 'number':
      return Math.min(resolved.minimum ?? 1, resolved.maximum ?? 1);
    case 'boolean':
      return random() < 0.5;
    case 'array': {
      if (depth > 5) return [];
      const length = Math.min(Math.max(resolved.minItems ?? 1, 1), resolved.maxItems ?? 1);
      return Array.from({ length }, () => sample(document, resolved.items, random, depth + 1));
    }
    case 'object':
    case undefined: {
      if (!resolved.properties) return typeOf(resolved) === 'object' ? { [word(random, 4)]: word(random, 4) } : word(random, 4);
      if (depth > 5) return {};
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(resolved.properties)) {
        if (resolved.required?.includes(name) || random() < 0.5) value[name] = sample(document, property, random, depth + 1);
      }
      return value;
    }
    default:
      return null;
  }
}

/** Property paths of a body schema (objects only, a few levels deep), with their schemas. */
function fieldsOf(document: OpenApiDocument, schema: Schema | undefined, prefix: string[] = []): Array<{ path: string[]; schema: Schema }> {
  const resolved = mainBranch(document, schema);
  if (!resolved.properties || prefix.length >= 3) return [];
  return Object.entries(resolved.properties).flatMap(([name, property]) => [
    { path: [...prefix, name], schema: mainBranch(document, property) },
    ...fieldsOf(document, property, [...prefix, name]),
  ]);
}

function withField(base: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  let target: Record<string, unknown> = typeof copy === 'object' && copy !== null && !Array.isArray(copy) ? copy : {};
  const root = target;
  for (const name of path.slice(0, -1)) {
    const inner = target[name];
    target = target[name] = typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : {};
  }
  target[path.at(-1)!] = value;
  return root;
}

function withoutField(base: unknown, name: string): unknown {
  const { [name]: _removed, ...rest } = base as Record<string, unknown>;
  return rest;
}

/** `placeholder` stands for a JSON value in `text`; it is replaced by `raw` JSON text. */
const placeholder = '"__raw_placeholder__"';

function randomJson(random: Random, depth: number): unknown {
  const kind = depth > 6 ? Math.floor(random() * 4) : Math.floor(random() * 6);
  switch (kind) {
    case 0: return random() < 0.5 ? null : random() < 0.5;
    case 1: return pick(random, [0, -1, 0.5, 1e21, -1e-7, 2 ** 53 + 1]);
    case 2: return pick(random, [word(random, 1 + Math.floor(random() * 12)), '', '\u0000', '\u202e', 'é😀', 'x'.repeat(300)]);
    case 3: return word(random, 3);
    case 4: return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
    default: return Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [word(random, 4), randomJson(random, depth + 1)]));
  }
}

const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepObject = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const wideObject = (keys: number) => `{${Array.from({ length: keys }, (_, index) => `"k${index}":${index}`).join(',')}}`;
const longArray = (length: number) => `[${Array.from({ length }, (_, index) => index).join(',')}]`;

/**
 * Every operation of `document`, broken every way this generator knows, then random breakages
 * until there are at least `minimum` requests.
 * @example const requests = createMalformedRequests(await (await fetch(url + '/openapi.json')).json(), { seed: 1, apiKey, minimum: 5000 });
 */
export function createMalformedRequests(document: OpenApiDocument, options: { seed: number; apiKey: string; minimum: number }): FuzzRequest[] {
  const random = createRandom(options.seed);
  const requests: FuzzRequest[] = [];
  const randomBreakers: Array<() => FuzzRequest> = [];

  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const upper = method.toUpperCase();
      const name = `${upper} ${template}`;
      const parameters = operation.parameters ?? [];
      const pathValuesByName = new Map(
        parameters.filter((parameter) => parameter.in === 'path').map((parameter) => {
          const value = sample(document, parameter.schema, random);
          return [parameter.name, encodeURIComponent(String(value))];
        }),
      );
      const queryParameters = parameters.filter((parameter) => parameter.in === 'query');
      const baseQuery = new Map(queryParameters.filter((parameter) => parameter.required).map((parameter) => [parameter.name, encodeURIComponent(String(sample(document, parameter.schema, random)))]));
      const pathOf = (paths: Map<string, string>, query: Map<string, string> | string) => {
        const filled = template.replace(/\{([^}]+)\}/g, (_, parameter: string) => paths.get(parameter) ?? 'x');
        const search = typeof query === 'string' ? query : [...query.entries()].map(([key, value]) => `${key}=${value}`).join('&');
        return search ? `${filled}?${search}` : filled;
      };
      const basePath = pathOf(pathValuesByName, baseQuery);
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const baseBody = bodySchema ? sample(document, bodySchema, random) : undefined;
      const jsonHeaders = { 'x-api-key': options.apiKey, 'content-type': 'application/json' };
      const add = (mutation: string, request: Partial<FuzzRequest>) =>
        requests.push({ operation: name, mutation, method: upper, path: basePath, headers: { 'x-api-key': options.apiKey }, ...request });
      const addBody = (mutation: string, body: string | Buffer, headers: Record<string, string> = jsonHeaders) => add(mutation, { headers, body });

      // The request as the document describes it (it may well succeed).
      add('as documented', baseBody === undefined ? {} : { headers: jsonHeaders, body: JSON.stringify(baseBody) });

      // Authentication.
      add('no api key', { headers: baseBody === undefined ? {} : { 'content-type': 'application/json' }, body: baseBody === undefined ? undefined : JSON.stringify(baseBody) });
      add('unknown api key', { headers: { 'x-api-key': 'not-a-key-0123456789' } });
      add('empty bearer', { headers: { authorization: 'Bearer ' } });

      // Path parameters.
      for (const parameter of pathValuesByName.keys()) {
        for (const value of pathValues) add(`path ${parameter}=${value.slice(0, 20)}`, { path: pathOf(new Map([...pathValuesByName, [parameter, value]]), baseQuery) });
      }

      // Query parameters.
      for (const parameter of queryParameters) {
        for (const value of queryValues) add(`query ${parameter.name}=${value.slice(0, 20)}`, { path: pathOf(pathValuesByName, new Map([...baseQuery, [parameter.name, value]])) });
        add(`query ${parameter.name} twice`, { path: pathOf(pathValuesByName, `${pathOf(new Map(), baseQuery).split('?')[1] ?? ''}&${parameter.name}=1&${parameter.name}=2`) });
        if (parameter.required) add(`query without ${parameter.name}`, { path: pathOf(pathValuesByName, new Map([...baseQuery].filter(([key]) => key !== parameter.name))) });
      }
      add('unknown query parameter', { path: `${basePath}${basePath.includes('?') ? '&' : '?'}zzz=1&__proto__=x` });

      if (bodySchema === undefined) {
        // Bodies where none belongs (on a GET too: HTTP allows it, fetch does not).
        addBody('unexpected JSON body', '{"a":1}');
        addBody('unexpected deep body', deepArray(5_000));
        addBody('unexpected text body', 'hello', { 'x-api-key': options.apiKey, 'content-type': 'text/plain' });
        addBody('unexpected body, no content type', '{"a":1}', { 'x-api-key': options.apiKey });
        continue;
      }

      const baseText = JSON.stringify(baseBody);
      const fields = fieldsOf(document, bodySchema);
      const rootSchema = mainBranch(document, bodySchema);

      // Content types.
      for (const contentType of contentTypes) {
        addBody(`content-type ${contentType ?? '(none)'}`, baseText, contentType === undefined ? { 'x-api-key': options.apiKey } : { 'x-api-key': options.apiKey, 'content-type': contentType });
      }
      addBody('form body', 'a=1&b=2', { 'x-api-key': options.apiKey, 'content-type': 'application/x-www-form-urlencoded' });
      addBody('empty body', '');
      add('no body, no content type', { headers: { 'x-api-key': options.apiKey } });

      // Not JSON, or not the JSON asked for.
      for (const text of invalidJsonTexts) addBody(`invalid JSON ${String(text).slice(0, 12)}`, text);
      addBody('truncated JSON', baseText.slice(0, Math.max(1, Math.floor(baseText.length / 2))));
      for (const text of ['[]', '"text"', '42', 'null', 'true', '[{}]', '{}']) addBody(`body ${text}`, text);

      // Size and shape.
      addBody('deep array body', deepArray(5_000));
      addBody('deep object body', deepObject(5_000));
      addBody('wide object body', wideObject(10_000));
      addBody('long array body', longArray(20_000));
      addBody('body over the size limit', JSON.stringify({ ...(baseBody as object), padding: 'x'.repeat(1_100_000) }));

      // Fields: missing, of the wrong type, huge, deep, wide; unknown fields.
      for (const required of rootSchema.required ?? []) addBody(`without ${required}`, JSON.stringify(withoutField(baseBody, required)));
      addBody('unknown field', JSON.stringify({ ...(baseBody as object), unknown_field: 1 }));
      addBody('__proto__ field', baseText.replace(/^\{/, '{"__proto__":{"polluted":true},').replace(',}', '}'));
      addBody('constructor field', JSON.stringify({ ...(baseBody as object), constructor: { prototype: { polluted: true } } }));
      for (const field of fields) {
        const label = field.path.join('.');
        for (const value of wrongValues) addBody(`${label} = ${JSON.stringify(value)}`, JSON.stringify(withField(baseBody, field.path, value)));
        const raw = (text: string) => JSON.stringify(withField(baseBody, field.path, JSON.parse(placeholder))).replace(placeholder, text);
        addBody(`${label} huge string`, JSON.stringify(withField(baseBody, field.path, 'x'.repeat(200_000))));
        addBody(`${label} NUL and controls`, JSON.stringify(withField(baseBody, field.path, 'a\u0000b\r\n\u0007')));
        addBody(`${label} 5000 deep`, raw(deepObject(5_000)));
        addBody(`${label} 10000 keys`, raw(wideObject(10_000)));
        if (field.path.length === 1) {
          addBody(`${label} 5000 deep array`, raw(deepArray(5_000)));
          addBody(`${label} 20000 elements`, raw(longArray(20_000)));
          addBody(`${label} 60 deep`, raw(deepObject(60)));
        }
        randomBreakers.push(() => ({
          operation: name,
          mutation: `${label} = random JSON`,
          method: upper,
          path: basePath,
          headers: jsonHeaders,
          body: JSON.stringify(withField(baseBody, field.path, randomJson(random, 0))),
        }));
      }
      randomBreakers.push(() => ({ operation: name, mutation: 'random JSON body', method: upper, path: basePath, headers: jsonHeaders, body: JSON.stringify(randomJson(random, 0)) }));
    }
  }

  while (requests.length < options.minimum && randomBreakers.length > 0) requests.push(pick(random, randomBreakers)());
  // Interleaved, so a slow operation does not hold up the rest and every operation is hit early.
  for (let index = requests.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [requests[index], requests[other]] = [requests[other]!, requests[index]!];
  }
  return requests;
}
