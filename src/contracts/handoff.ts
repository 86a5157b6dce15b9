import { z } from 'zod';

/** The specialists the supervisor can hand work to. */
export const specialistNames = ['retriever', 'executor', 'reviewer'] as const;
export type SpecialistName = (typeof specialistNames)[number];

/**
 * The typed handoff contract between the supervisor and a specialist. The router model
 * proposes it as tool-call arguments; it is validated here before any subgraph runs.
 */
export const handoffSchema = z.strictObject({
  task: z.string().trim().min(1).max(2_000).describe('Self-contained task.'),
  acceptanceCriteria: z
    .array(z.string().trim().min(1).max(500))
    .max(10)
    .default([])
    .describe('Checks the result must pass.'),
  context: z.string().max(8_000).default('').describe('Facts from earlier steps the specialist needs.'),
  /**
   * The specialist's answer is the whole reply: sent to the user as it is, with no routing call
   * after it (LangChain's `returnDirect`, langgraph-supervisor's forwarded message). Honoured for
   * a retriever's cited answer and an executor's look-up that changed nothing; anything else
   * goes back to the router as before (see `repliesDirectly` in graphs/supervisor.ts).
   */
  replyDirectly: z.boolean().default(false).describe('True when its answer alone is the whole reply.'),
});
export type Handoff = z.infer<typeof handoffSchema>;

export const citationSchema = z.object({
  documentId: z.string(),
  chunkId: z.string(),
  chunkIndex: z.number().int(),
  source: z.string(),
  title: z.string().optional(),
  quote: z.string().optional(),
});
export type Citation = z.infer<typeof citationSchema>;

export const actionReviewSchema = z.object({
  verdict: z.enum(['pass', 'hold', 'refuse']),
  reasons: z.array(z.string()),
  rules: z.array(z.object({
    rule: z.string(),
    decision: z.enum(['allow', 'refuse', 'hold']),
    reason: z.string().optional(),
    section: z.object({ document: z.string(), title: z.string(), section: z.string(), quote: z.string() }).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  })),
  facts: z.unknown().optional(),
  model: z.object({ verdict: z.enum(['accept', 'revise']), reasons: z.array(z.string()) }).optional(),
});

export const actionRecordSchema = z.object({
  toolCallId: z.string(),
  tool: z.string(),
  args: z.unknown(),
  risk: z.enum(['read', 'write', 'irreversible']).optional(),
  status: z.enum(['ok', 'invalid', 'unknown_tool', 'forbidden', 'failed', 'in_doubt', 'unavailable']),
  result: z.unknown().optional(),
  message: z.string().optional(),
  replayed: z.boolean().optional(),
  /** The pre-action review (policy rules, then the reviewer model) of the arguments that ran or were refused. */
  review: actionReviewSchema.optional(),
  /** After a write succeeded: did its effect land in the domain's records as proposed. */
  postCheck: z.object({
    confirmed: z.boolean(),
    checks: z.array(z.object({ rule: z.string(), confirmed: z.boolean(), detail: z.string() })),
  }).optional(),
});
export type ActionRecord = z.infer<typeof actionRecordSchema>;

export const outcomeSchema = z.enum([
  'answered',
  'not_covered',
  'completed',
  'no_action',
  'failed',
  'accepted',
  'revise',
]);
export type Outcome = z.infer<typeof outcomeSchema>;

/** An input-rail finding: text that tries to instruct the agent (see tools/guards). */
export const injectionFlagSchema = z.object({
  rule: z.string(),
  source: z.enum(['user', 'retrieved']),
  reason: z.string(),
  excerpt: z.string(),
  origin: z.string().optional(),
});

/**
 * A passage the retriever read for this request, cited or not: the evidence the final answer's
 * grounding check resolves citations and numbers against.
 */
export const retrievedPassageSchema = z.object({
  documentId: z.string(),
  chunkIndex: z.number().int(),
  text: z.string(),
  scope: z.enum(['shared', 'tenant']).optional(),
  /** Why the passage may not be used as policy: an injection flag, or a tenant upload that contradicts shared policy. */
  setAside: z.string().optional(),
});
export type RetrievedPassage = z.infer<typeof retrievedPassageSchema>;

/** What a specialist hands back: a short summary, never its whole transcript. */
export const specialistReportSchema = z.object({
  outcome: outcomeSchema,
  summary: z.string(),
  citations: z.array(citationSchema).default([]),
  actions: z.array(actionRecordSchema).default([]),
  reasons: z.array(z.string()).default([]),
  /** Prompt-injection findings in what the specialist read; they narrow what may be executed. */
  flags: z.array(injectionFlagSchema).default([]),
  /** The passages a retriever read (see `retrievedPassageSchema`). */
  passages: z.array(retrievedPassageSchema).default([]),
  /** A retriever answer served from the answer cache: no model was asked for it. */
  cached: z.boolean().optional(),
  /**
   * The id the answer was streamed under, when it was streamed to the run's own stream (a
   * retriever answer asked for as the reply): the reply keeps it, so clients see it once.
   */
  messageId: z.string().optional(),
});
/** As a specialist writes it: list fields may be left out. */
export type SpecialistReport = z.input<typeof specialistReportSchema>;

/** One completed hop as the supervisor records it. */
export const stepSchema = specialistReportSchema.extend({
  hop: z.number().int(),
  specialist: z.enum(specialistNames),
  task: z.string(),
});
export type Step = z.infer<typeof stepSchema>;

/** Evidence the supervisor gathers from earlier steps for the reviewer. */
export const evidenceSchema = z.object({
  answer: z.string().optional(),
  /** What the executor reported; it reaches the customer like an answer does. */
  summary: z.string().optional(),
  citations: z.array(citationSchema).default([]),
  actions: z.array(actionRecordSchema).default([]),
});
export type Evidence = z.infer<typeof evidenceSchema>;
