/** What the offline executor has seen so far in one task: the request and every tool outcome. */
export interface Outcome {
  status: string;
  result?: Record<string, unknown>;
  message?: string;
  details?: Record<string, unknown>;
}

export type Observations = Map<string, Outcome>;

export type ToolCall = { name: string; args: Record<string, unknown> };

export type Step = ToolCall | { done: string };

export interface ExecutionFacts {
  task: string;
  orderId?: number;
  amountCents?: number;
  /** The last outcome of each tool. */
  observations: Observations;
  /** Every call made so far with its outcome, oldest first. */
  history: Array<ToolCall & { outcome: Outcome }>;
  has: (tool: string) => boolean;
}
