import type { BaseCheckpointSaver, BaseStore } from '@langchain/langgraph';
import type { ModelsByRole } from '../agents/index.ts';
import type { DomainReviewCheck, SpecialistName } from '../contracts/index.ts';
import type { AnswerCache, Retriever } from '../retrieval/index.ts';
import type { AuditLog } from '../observability/index.ts';
import type {
  ApprovalRule,
  ApprovalStore,
  DeferredActionQueue,
  EffectLedger,
  ExecutionPolicy,
  PolicyEngine,
  ToolRegistry,
  UpstreamBreakers,
} from '../tools/index.ts';

export interface GraphLimits {
  /** Specialist hops per request before the supervisor stops with a partial result. */
  maxHops: number;
  /** Invalid tool calls the executor tolerates before giving up. */
  maxToolAttempts: number;
  /** Model turns of the executor per handoff. */
  maxExecutorTurns: number;
}

/** What makes execution safe: approvals, policies, breakers. The rules come from the domain. */
export interface ExecutionSafety {
  approvals: ApprovalStore;
  /** Read on every call: rules appended later (an MCP server listed after start-up) apply from then on. */
  approvalRules?: ApprovalRule[];
  executionPolicies?: ExecutionPolicy[];
  /**
   * The domain's policy rules, applied to every write or irreversible call before approval
   * and dispatch (with the reviewer model after them). Without it only the caps and approvals apply.
   */
  policy?: PolicyEngine;
  breakers?: UpstreamBreakers;
  deferred?: DeferredActionQueue;
  /** How long an approval request waits for a decision. */
  approvalTtlMs?: number;
  clock?: () => Date;
}

export const defaultGraphLimits: GraphLimits = { maxHops: 8, maxToolAttempts: 3, maxExecutorTurns: 8 };

/**
 * Everything a graph needs, passed explicitly: no module-level clients or singletons,
 * so another service can embed the graphs with its own parts.
 */
export interface GraphDependencies {
  models: ModelsByRole;
  retriever: Retriever;
  tools: ToolRegistry;
  effects: EffectLedger;
  checkpointer?: BaseCheckpointSaver;
  store?: BaseStore;
  limits?: Partial<GraphLimits>;
  /** Without it, calls that need an approval are refused (nobody could approve them). */
  safety?: ExecutionSafety;
  /** Append-only trail of routing, tool calls and verdicts. */
  audit?: AuditLog;
  /** Answers to repeated knowledge-base questions, per tenant and write generation; without it every question asks the model. */
  answerCache?: AnswerCache;
  /** The domain's review rules, run by the reviewer beside the generic checks. */
  reviewChecks?: DomainReviewCheck[];
  /** What the retriever and executor can do, in the domain's words, for the router. */
  specialistDescriptions?: Partial<Record<SpecialistName, string>>;
}

export function limitsOf(dependencies: GraphDependencies): GraphLimits {
  return { ...defaultGraphLimits, ...dependencies.limits };
}
