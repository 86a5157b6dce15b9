import { z } from 'zod';
import { verdictToolName } from '../agents/index.ts';

export const verdictSchema = z.object({
  verdict: z.enum(['accept', 'revise']),
  reasons: z.array(z.string().max(1_000)).max(20).default([]),
});

/** The one tool a reviewer model answers with, after an answer or before an action. */
export const verdictTool = {
  type: 'function' as const,
  function: {
    name: verdictToolName,
    description: 'Submit the review verdict: accept, or revise with concrete reasons.',
    parameters: z.toJSONSchema(verdictSchema) as Record<string, unknown>,
  },
};
