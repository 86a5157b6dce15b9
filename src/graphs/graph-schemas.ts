import { getJsonSchemaFromSchema } from '@langchain/langgraph';
import type { AnyCompiledGraph } from './graph-catalog.ts';

export interface GraphSchemas {
  graph_id: string;
  input_schema: unknown;
  output_schema: unknown;
  state_schema: unknown;
  config_schema: unknown;
  context_schema: unknown;
}

function fromRuntime(definition: unknown): unknown {
  if (!definition) return null;
  const schema = definition as { getJsonSchema?: () => unknown; getInputJsonSchema?: () => unknown };
  try {
    return typeof schema.getJsonSchema === 'function' ? schema.getJsonSchema() : getJsonSchemaFromSchema(definition as never) ?? null;
  } catch {
    return null;
  }
}

function attempt(read: () => unknown): unknown {
  try {
    return read() ?? undefined;
  } catch {
    return undefined;
  }
}

/** Channels as untyped properties, for graphs declared without a runtime schema (Annotation). */
function fromChannels(graph: AnyCompiledGraph): unknown {
  const channels = Object.keys(graph.builder?.channels ?? graph.channels ?? {}).filter((name) => !name.startsWith('__') && !name.includes(':'));
  return { type: 'object', properties: Object.fromEntries(channels.map((name) => [name, {}])) };
}

const configSchema = {
  type: 'object',
  properties: {
    configurable: {
      type: 'object',
      properties: { thread_id: { type: 'string' }, checkpoint_id: { type: 'string' } },
      additionalProperties: true,
    },
    tags: { type: 'array', items: { type: 'string' } },
    recursion_limit: { type: 'integer', minimum: 1 },
  },
};

/**
 * JSON schemas of a graph's input, output and state, read from its zod / StateSchema
 * definitions. Computed once at start-up; never by type inference over source files.
 */
export function describeGraphSchemas(graphId: string, graph: AnyCompiledGraph): GraphSchemas {
  const builder = graph.builder ?? {};
  const state = fromRuntime(builder._schemaRuntimeDefinition) ?? fromChannels(graph);
  const input =
    attempt(() => builder._inputRuntimeDefinition?.getInputJsonSchema?.()) ??
    attempt(() => builder._schemaRuntimeDefinition?.getInputJsonSchema?.()) ??
    fromRuntime(builder._inputRuntimeDefinition) ??
    state;
  const output = fromRuntime(builder._outputRuntimeDefinition) ?? state;
  return {
    graph_id: graphId,
    input_schema: input,
    output_schema: output,
    state_schema: state,
    config_schema: configSchema,
    context_schema: fromRuntime(builder._configRuntimeSchema),
  };
}
