/** A tool outcome as the offline executor reads it back from the tool message. */
export interface ObservedOutcome {
  status: string;
  result?: Record<string, unknown>;
  message?: string;
  details?: Record<string, unknown>;
}

export type Observations = Map<string, ObservedOutcome>;

export type ToolCall = { name: string; args: Record<string, unknown> };

/** The offline executor's next move: call a tool, or stop with the text for the customer. */
export type PlanStep = ToolCall | { done: string };

/** What the offline executor has seen so far in one task: the request and every tool outcome. */
export interface ExecutionFacts {
  task: string;
  /** The last outcome of each tool. */
  observations: Observations;
  /** Every call made so far with its outcome, oldest first. */
  history: Array<ToolCall & { outcome: ObservedOutcome }>;
  has: (tool: string) => boolean;
  /** The names of the tools bound to this step, which customer text must not show. */
  toolNames: string[];
}

/**
 * How the offline (no-model) executor turns a domain's plain requests into tool calls:
 * `undefined` when the request is not one the domain knows, so the generic answer applies.
 * The planner proposes; the domain's policy rules and the reviewer still decide.
 */
export interface OfflineDomainPlanner {
  /**
   * Whether a request asks the domain to act on something it names (for the sample retailer: an
   * action word and an order number), so the offline router sends it to the executor, not only
   * to the knowledge base.
   */
  recognises(request: string): boolean;
  plan(facts: ExecutionFacts): PlanStep | undefined;
  /** How a customer hears that a tool's action did not happen ("No refund was issued"). */
  notDone?: Record<string, string>;
}
