import { z } from 'zod';
import { functionTool, verdictToolName } from '../agents/index.ts';

export const verdictSchema = z.object({
  verdict: z.enum(['accept', 'revise']),
  reasons: z.array(z.string().max(1_000)).max(20).default([]),
});

/** The one tool a reviewer model answers with, after an answer or before an action. */
export const verdictTool = functionTool(verdictToolName, 'Submit the review verdict: accept, or revise with concrete reasons.', verdictSchema);
