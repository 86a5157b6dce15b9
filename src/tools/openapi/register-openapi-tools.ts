import { traceHeaders } from '../../observability/index.ts';
import { defineTool, type ToolDefinition, type ToolRetryPolicy, type ToolRisk } from '../define-tool.ts';
import { ToolError } from '../tool-error.ts';
import { tighten, jsonSchemaToZod } from './json-schema-to-zod.ts';
import { httpMethods, type HttpMethod, type OpenApiDocument, type OpenApiOperation, type OpenApiParameter } from './openapi-document.ts';

export type OpenApiAuth =
  | { type: 'bearer'; token: string }
  | { type: 'header'; name: string; value: string };

export interface OpenApiToolsOptions {
  baseUrl: string;
  auth?: OpenApiAuth;
  /** The operationIds to expose; every one must exist. Nothing else becomes a tool. */
  operations: string[];
  /** Overrides of the default risk: GET and HEAD `read`, everything else `write`. */
  riskByMethod?: Partial<Record<HttpMethod, ToolRisk>>;
  /** When given, the base URL's host must be on it (checked when the tools are built). */
  allowedHosts?: string[];
  scopes?: string[];
  timeoutMs?: number;
  /** Applied to reads and idempotent calls only. */
  retry?: Partial<ToolRetryPolicy>;
  /** The circuit breaker name; defaults to the base URL's host. */
  upstream?: string;
  /** Treat POST and PATCH as idempotent because the upstream honours `Idempotency-Key` (PUT and DELETE always are). */
  idempotentWrites?: boolean;
}

/** A 5xx, 408 or 429 from the upstream: a fault worth retrying and counting against its breaker. */
export class UpstreamHttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'UpstreamHttpError';
    this.status = status;
  }
}

const defaultRetry: Partial<ToolRetryPolicy> = { attempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 };

/**
 * One tool per allowed operation of an OpenAPI 3 document. Arguments are the operation's
 * path, query and header parameters by name, plus `body` for a JSON request body, all
 * validated strictly. Calls send `Idempotency-Key` (the tool call's key) on every non-read
 * request; 4xx answers come back to the model as ToolErrors, 5xx and network faults are
 * retried (reads and idempotent calls) and counted by the upstream's circuit breaker.
 * @example
 * const tools = registerOpenApiTools(spec, { baseUrl: 'https://crm.example/v1', operations: ['getCustomer'], auth: { type: 'bearer', token } });
 */
export function registerOpenApiTools(document: OpenApiDocument, options: OpenApiToolsOptions): ToolDefinition[] {
  const base = new URL(options.baseUrl);
  if (options.allowedHosts !== undefined && !options.allowedHosts.includes(base.hostname)) {
    throw new TypeError(`The OpenAPI base URL host "${base.hostname}" is not among the allowed hosts`);
  }
  const found = new Map<string, { path: string; method: HttpMethod; operation: OpenApiOperation }>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of httpMethods) {
      const operation = item[method] as OpenApiOperation | undefined;
      if (operation?.operationId !== undefined) found.set(operation.operationId, { path, method, operation });
    }
  }
  return options.operations.map((operationId) => {
    const entry = found.get(operationId);
    if (entry === undefined) throw new TypeError(`The OpenAPI document has no operation "${operationId}"`);
    return toTool(operationId, entry.path, entry.method, entry.operation, document, options, base);
  });
}

function toTool(
  operationId: string, path: string, method: HttpMethod, operation: OpenApiOperation,
  document: OpenApiDocument, options: OpenApiToolsOptions, base: URL,
): ToolDefinition {
  const components = document.components?.schemas ?? {};
  const parameters = (operation.parameters ?? []).filter((parameter) => parameter.in !== 'cookie');
  const jsonBody = operation.requestBody?.content?.['application/json']?.schema;
  if (operation.requestBody !== undefined && jsonBody === undefined) throw new TypeError(`Operation "${operationId}" has a request body that is not JSON`);
  const properties: Record<string, Record<string, unknown>> = {};
  const required: string[] = [];
  for (const parameter of parameters) {
    properties[parameter.name] = { ...(parameter.schema ?? { type: 'string' }), ...(parameter.description ? { description: parameter.description } : {}) };
    if (parameter.required || parameter.in === 'path') required.push(parameter.name);
  }
  if (jsonBody !== undefined) {
    if ('body' in properties) throw new TypeError(`Operation "${operationId}" has a parameter named "body", which is reserved for the request body`);
    properties.body = jsonBody;
    if (operation.requestBody?.required) required.push('body');
  }
  const inputSchema = { type: 'object', properties, required, additionalProperties: false };
  // Fail at startup, naming the path, for anything the converter does not support.
  tighten(inputSchema, components, operationId, []);
  const risk = options.riskByMethod?.[method] ?? (method === 'get' || method === 'head' ? 'read' : 'write');
  const idempotent = risk === 'read' || method === 'put' || method === 'delete' || options.idempotentWrites === true;

  return defineTool({
    name: operationId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64),
    description: (operation.summary ?? operation.description ?? `${method.toUpperCase()} ${path}`).slice(0, 1_000),
    risk,
    idempotent,
    scopes: options.scopes,
    timeoutMs: options.timeoutMs,
    retry: idempotent ? { ...defaultRetry, ...options.retry } : undefined,
    upstream: options.upstream ?? base.hostname,
    input: jsonSchemaToZod(inputSchema, components),
    async execute(args: Record<string, unknown>, context) {
      const request = buildRequest(base, path, method, parameters, args, options.auth);
      if (risk !== 'read') request.headers.set('Idempotency-Key', context.idempotencyKey);
      // The upstream joins the run's trace: the W3C context of this call's `execute_tool` span.
      for (const [name, value] of Object.entries(traceHeaders())) request.headers.set(name, value);
      const response = await fetch(request.url, { method: method.toUpperCase(), headers: request.headers, body: jsonBody !== undefined && args.body !== undefined ? JSON.stringify(args.body) : undefined, signal: context.signal });
      const text = await response.text();
      if (response.status === 408 || response.status === 429 || response.status >= 500) {
        throw new UpstreamHttpError(response.status, `${method.toUpperCase()} ${path} answered ${response.status}`);
      }
      if (response.status >= 400) throw new ToolError(`The ${operationId} call was refused (HTTP ${response.status}): ${text.slice(0, 500)}`);
      if (text === '') return { status: response.status };
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return { status: response.status, text: text.slice(0, 10_000) };
      }
    },
  });
}

function buildRequest(base: URL, path: string, method: HttpMethod, parameters: OpenApiParameter[], args: Record<string, unknown>, auth?: OpenApiAuth) {
  const headers = new Headers({ accept: 'application/json' });
  if (method !== 'get' && method !== 'head') headers.set('content-type', 'application/json');
  let resolvedPath = path;
  const query = new URLSearchParams();
  for (const parameter of parameters) {
    const value = args[parameter.name];
    if (value === undefined) continue;
    if (parameter.in === 'path') resolvedPath = resolvedPath.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
    else if (parameter.in === 'query') for (const item of Array.isArray(value) ? value : [value]) query.append(parameter.name, String(item));
    else if (parameter.in === 'header') headers.set(parameter.name, String(value));
  }
  if (auth?.type === 'bearer') headers.set('authorization', `Bearer ${auth.token}`);
  if (auth?.type === 'header') headers.set(auth.name, auth.value);
  // Join, never resolve: a path can never leave the base URL's host or prefix.
  const url = new URL(`${base.pathname.replace(/\/$/, '')}${resolvedPath}`, base.origin);
  url.search = query.toString();
  return { url, headers };
}
