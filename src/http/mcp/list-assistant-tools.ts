import { describeGraphSchemas, type GraphEntry } from '../../graphs/index.ts';
import type { Services } from '../../services.ts';
import { builtInAssistant, publicAssistant, type PublicAssistant } from '../assistant-lookup.ts';

/** One assistant of the caller's tenant offered as an MCP tool. */
export interface AssistantTool {
  /** Unique among the tenant's assistant tools; from the assistant's name. */
  name: string;
  assistant: PublicAssistant;
  entry: GraphEntry;
  /**
   * `request`: a chat graph (its input is `messages`), called with one `request` string that
   * becomes the user's message. `graph`: called with the graph's own input fields.
   */
  inputKind: 'request' | 'graph';
  inputSchema: { type: 'object'; properties: Record<string, unknown>; required?: string[]; [key: string]: unknown };
}

const threadIdProperty = {
  type: 'string',
  maxLength: 200,
  description: 'Continue this thread (the thread_id of an earlier result); omit to start a new one.',
};

// The most tenant assistants offered; a tenant with more sees the oldest.
const maxAssistantTools = 500;

/**
 * The caller's tenant's assistants as MCP tools: the served graphs' built-in assistants, then
 * the ones the tenant created (oldest first, so a tool keeps its name while newer ones come).
 * Names come from the assistant's name, made safe for tool names; a name already taken gets
 * the start of the assistant id after it.
 */
export async function listAssistantTools(services: Pick<Services, 'catalog' | 'assistants'>, tenantId: string): Promise<AssistantTool[]> {
  const tools: AssistantTool[] = [];
  const taken = new Set<string>();
  const add = (assistant: PublicAssistant, entry: GraphEntry | undefined) => {
    if (!entry) return;
    const base = safeName(assistant.name) || 'assistant';
    const name = taken.has(base) ? `${base.slice(0, 55)}_${assistant.assistant_id.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}` : base;
    if (taken.has(name)) return;
    taken.add(name);
    tools.push({ name, assistant, entry, ...inputOf(entry) });
  };
  for (const entry of services.catalog.list()) add(builtInAssistant(entry), entry);
  const created = await services.assistants.search(tenantId, { limit: maxAssistantTools, offset: 0, sortBy: 'created_at', sortOrder: 'asc' });
  for (const record of created) add(publicAssistant(record), services.catalog.get(record.graph_id));
  return tools;
}

function safeName(name: string): string {
  return name.trim().replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 64);
}

// A graph's input schema does not change while it is served: computed once per graph, not per listing.
const inputs = new WeakMap<GraphEntry['graph'], Pick<AssistantTool, 'inputKind' | 'inputSchema'>>();

function inputOf(entry: GraphEntry): Pick<AssistantTool, 'inputKind' | 'inputSchema'> {
  let input = inputs.get(entry.graph);
  if (!input) {
    input = describeInput(entry);
    inputs.set(entry.graph, input);
  }
  return input;
}

function describeInput(entry: GraphEntry): Pick<AssistantTool, 'inputKind' | 'inputSchema'> {
  let schema: Record<string, unknown> | undefined;
  try {
    schema = describeGraphSchemas(entry.graphId, entry.graph).input_schema as Record<string, unknown> | undefined;
  } catch {
    schema = undefined;
  }
  const properties = (schema?.properties ?? {}) as Record<string, unknown>;
  const required = Array.isArray(schema?.required) ? (schema.required as string[]) : [];
  // A chat graph takes messages and can default everything else; one that needs more (the
  // executor's handoff `task`, which has no default) is called with its own fields.
  const others = Object.entries(properties).filter(([field]) => field !== 'messages');
  const chat = 'messages' in properties && required.every((field) => field === 'messages')
    && others.every(([, property]) => typeof property === 'object' && property !== null && 'default' in property);
  if (chat || schema === undefined) {
    return {
      inputKind: 'request',
      inputSchema: {
        type: 'object',
        properties: { request: { type: 'string', minLength: 1, maxLength: 20_000, description: 'What to ask, in plain words.' }, thread_id: threadIdProperty },
        required: ['request'],
        additionalProperties: false,
      },
    };
  }
  const { $schema: _schema, definitions, $defs, ...rest } = withoutSchemaKeys(schema) as Record<string, unknown>;
  return {
    inputKind: 'graph',
    inputSchema: {
      ...rest,
      ...(definitions === undefined ? {} : { definitions }),
      ...($defs === undefined ? {} : { $defs }),
      type: 'object',
      properties: { ...(withoutSchemaKeys(properties) as Record<string, unknown>), thread_id: threadIdProperty },
      ...(required.length > 0 ? { required } : {}),
    },
  };
}

// Zod's JSON Schema repeats `$schema` on every field; tool-calling clients want one plain schema.
function withoutSchemaKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSchemaKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '$schema').map(([key, inner]) => [key, withoutSchemaKeys(inner)]));
}
