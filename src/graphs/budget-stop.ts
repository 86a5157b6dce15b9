import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { AppError } from '../errors.ts';
import { budgetExemptMetadataKey } from '../limits/index.ts';
import type { Step } from '../contracts/index.ts';
import { partialResult } from './run-progress.ts';
import type { RunResult } from './state.ts';

/**
 * A run stopped by its budget before a model call: always `partial` (never the run's error),
 * the reason saying which budget ("budget exhausted: …") and the answer saying what was done.
 * Budget checks happen before model calls only, and no model call sits between an approval
 * and its dispatch outside the exempt pre-action review, so the steps here are whole.
 */
export function budgetStopResult(steps: Step[], error: AppError): RunResult {
  return partialResult(steps, error.message, { code: error.code, message: error.message });
}

/**
 * The config for model calls that belong to an action already under way (the pre-action review
 * in `act`): exempt from the budget check, so an approved action's dispatch always completes.
 */
export function exemptFromBudget(config: LangGraphRunnableConfig): LangGraphRunnableConfig {
  return { ...config, metadata: { ...config.metadata, [budgetExemptMetadataKey]: true } };
}
