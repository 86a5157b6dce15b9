import { toJsonSchema } from '@langchain/core/utils/json_schema';

/** A tool as a model sees it, whatever format `bindTools` was given. */
export interface BoundTool {
  name: string;
  description: string;
  parameters?: unknown;
}

/** Accepts OpenAI function tools, LangChain structured tools and `{ name, description, schema }` specs. */
export function normalizeBoundTool(tool: unknown): BoundTool {
  const candidate = tool as {
    type?: string;
    function?: { name: string; description?: string; parameters?: unknown };
    name?: string;
    description?: string;
    schema?: unknown;
  };
  if (candidate.function) {
    return {
      name: candidate.function.name,
      description: candidate.function.description ?? '',
      parameters: candidate.function.parameters,
    };
  }
  if (candidate.name) {
    return {
      name: candidate.name,
      description: candidate.description ?? '',
      parameters: candidate.schema ? toJsonSchema(candidate.schema as never) : undefined,
    };
  }
  throw new TypeError('Unsupported tool format passed to bindTools');
}
