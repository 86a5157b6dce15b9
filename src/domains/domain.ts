import type { DatabaseSync } from 'node:sqlite';
import type { DomainReviewCheck, OfflineDomainPlanner, SpecialistName } from '../contracts/index.ts';
import type { ApprovalRule, ExecutionPolicy, PolicyEngine, ToolDefinition } from '../tools/index.ts';

/** What the service hands a domain when it builds it. */
export interface DomainContext {
  /** The embedded SQLite database; a domain may keep its own records there (the sample domain's orders). */
  database: DatabaseSync;
  /** When the domain's world is, from `SAMPLE_AS_OF` (`now` for the real clock); the domain picks its default. */
  asOf?: Date | 'now';
  /** A fixed clock, for tests; it wins over `asOf`. */
  clock?: () => Date;
}

/**
 * A business domain as a plug-in: its tools, the policy rules the executor applies before any
 * write, the approval thresholds and hard caps, the reviewer's extra rules, how the offline model
 * reads its plain requests, and the knowledge base it ships. The framework (registry,
 * validation, rails, approvals, ledger, graphs) knows nothing else about it.
 */
export interface Domain {
  name: string;
  tools: ToolDefinition[];
  /** Eligibility and amounts decided from facts the rules look up themselves. */
  policy?: PolicyEngine;
  approvalRules: ApprovalRule[];
  executionPolicies: ExecutionPolicy[];
  reviewChecks: DomainReviewCheck[];
  offlinePlanner?: OfflineDomainPlanner;
  /** What the retriever and executor can do here, in the words the router chooses by. */
  specialistDescriptions?: Partial<Record<SpecialistName, string>>;
  /** The domain's own knowledge base, shared read-only by every tenant; `KNOWLEDGE_BASE_DIR` overrides it. */
  knowledgeBaseDir?: string;
}

/** A domain module's entry: `export const createDomain: DomainFactory`. */
export type DomainFactory = (context: DomainContext) => Domain | Promise<Domain>;
