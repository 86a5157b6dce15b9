import { MessagesValue, StateSchema } from '@langchain/langgraph';
import { z } from 'zod';
import {
  injectionFlagSchema,
  actionRecordSchema,
  citationSchema,
  evidenceSchema,
  specialistNames,
  specialistReportSchema,
  stepSchema,
} from '../contracts/index.ts';

/** Fields every specialist graph takes as input: the handoff contract. */
const handoffFields = {
  task: z.string().describe('What the specialist must do'),
  acceptanceCriteria: z.array(z.string()).default(() => []),
  context: z.string().default(''),
};

/** A failure kept in state as what it is, never as an `[object Object]` string. */
export const stepErrorSchema = z.object({ code: z.string(), message: z.string(), specialist: z.string().optional() });

export const passageSchema = citationSchema.extend({
  text: z.string(),
  score: z.number(),
  /** Heading path of the chunk, outermost first. */
  headings: z.array(z.string()).optional(),
  /** `shared` policy or the tenant's own upload; shared outranks a tenant upload that contradicts it. */
  scope: z.enum(['shared', 'tenant']).optional(),
  /** Why the passage may not be used as policy (injection flag, conflict with shared policy); such passages are never answered from. */
  setAside: z.string().optional(),
});
export type Passage = z.infer<typeof passageSchema>;

export const RetrieverState = new StateSchema({
  ...handoffFields,
  /** The customer's own words, searched beside the task (routers reword; customers say what they mean). */
  request: z.string().default(''),
  /** The router asked for the answer to be the reply: its tokens go to the run's own stream (see `streamToParent`). */
  streamAnswer: z.boolean().default(false),
  passages: z.array(passageSchema).default(() => []),
  /** The knowledge base's write generation read before the search: an answer is cached under it. */
  generation: z.string().nullable().default(null),
  report: specialistReportSchema.optional(),
});

export const ExecutorState = new StateSchema({
  ...handoffFields,
  /** Injection findings from the request and retrieved passages: they make every effect need approval. */
  flags: z.array(injectionFlagSchema).default(() => []),
  messages: MessagesValue,
  actions: z.array(actionRecordSchema).default(() => []),
  /** How many actions are already in the audit log. */
  auditedActions: z.number().int().default(0),
  invalidCalls: z.number().int().default(0),
  /** Proposals the pre-action review refused; bounded like invalid calls. */
  refusedProposals: z.number().int().default(0),
  /** Empty replies of the model, each answered with a nudge; bounded like invalid calls. */
  emptyReplies: z.number().int().default(0),
  /** Calls of the last reply whose arguments were not valid JSON, for `act` to record and describe. */
  malformedCalls: z.array(z.object({ name: z.string(), args: z.string(), error: z.string() })).default(() => []),
  /** The model failure that stopped the executor after it had changed something. */
  failure: stepErrorSchema.nullable().default(null),
  turns: z.number().int().default(0),
  report: specialistReportSchema.optional(),
});

export const ruleCheckSchema = z.object({ name: z.string(), passed: z.boolean(), detail: z.string() });

export const ReviewerState = new StateSchema({
  ...handoffFields,
  evidence: evidenceSchema.default(() => ({ citations: [], actions: [] })),
  checks: z.array(ruleCheckSchema).default(() => []),
  report: specialistReportSchema.optional(),
});

export const pendingHandoffSchema = z.object({
  specialist: z.enum(specialistNames),
  task: z.string(),
  acceptanceCriteria: z.array(z.string()),
  context: z.string(),
  replyDirectly: z.boolean().default(false),
});
export type PendingHandoff = z.infer<typeof pendingHandoffSchema>;

export const runResultSchema = z.object({
  /** `partial`: stopped before finishing, or a step failed or was sent back and never made good. */
  status: z.enum(['complete', 'partial']),
  answer: z.string(),
  reason: z.string().optional(),
  /** The model failure that stopped the request, when one did. */
  error: stepErrorSchema.optional(),
  /** The id the answer was streamed under, so the final message is the same message, not a second one. */
  messageId: z.string().optional(),
  /**
   * What the grounding check at finish found, when it found anything: the problems of the first
   * answer, whether a revision was asked for, and retrieved passages not used as policy.
   */
  grounding: z.object({ problems: z.array(z.string()), revised: z.boolean(), setAside: z.array(z.string()) }).optional(),
  /** Knowledge-base answers of this request served from the answer cache (each saved the retriever's model call). */
  answerCache: z.object({ hits: z.number().int() }).optional(),
});
export type RunResult = z.infer<typeof runResultSchema>;

export const SupervisorState = new StateSchema({
  messages: MessagesValue,
  /** Id of the human message being served; a new one starts a fresh request. */
  requestId: z.string().default(''),
  steps: z.array(stepSchema).default(() => []),
  hops: z.number().int().default(0),
  /** Retrieval probe of the request: how well the knowledge base covers it. */
  coverage: z.object({ topScore: z.number(), documents: z.array(z.string()) }).nullable().default(null),
  pending: pendingHandoffSchema.nullable().default(null),
  result: runResultSchema.nullable().default(null),
});
