import { z } from 'zod';

/** An OpenAI function tool, the shape every provider's `bindTools` accepts. */
export interface FunctionTool {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/**
 * A function tool from a zod schema, as the model must send it (`io: 'input'`: defaults stay
 * optional) and without `$schema`, which providers do not need and some refuse.
 * @example functionTool('submit_verdict', 'Submit the review verdict', verdictSchema)
 */
export function functionTool(name: string, description: string, schema: z.ZodType): FunctionTool {
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return { type: 'function', function: { name, description, parameters } };
}
