import type { InjectionFlag } from './injection-flag.ts';

export interface ExecutionLimits {
  scopes: string[];
  /** Tool names the executor may call; undefined means every tool the scopes allow. */
  allowedTools?: string[];
  /** True when flags exist: every write or irreversible call needs a person, whatever its threshold. */
  approvalForEffects: boolean;
  flags: InjectionFlag[];
}

export interface LimitForFlagsInput {
  /** What the authenticated caller holds. */
  granted: { scopes: string[]; allowedTools?: string[] };
  /** What the run asked for (from the request, a handoff, or text): it can only narrow. */
  requested?: { scopes?: string[]; allowedTools?: string[] };
  flags: InjectionFlag[];
}

/**
 * Narrow what the executor may do for one run. The result is never wider than what was
 * granted, whatever was requested (so flagged text asking for more gets nothing), and with
 * any flag present every side effect needs approval.
 * @example
 * const limits = limitForFlags({ granted: { scopes }, flags: scanInputs({ request, passages }) });
 */
export function limitForFlags(input: LimitForFlagsInput): ExecutionLimits {
  const { granted, requested } = input;
  const scopes = requested?.scopes === undefined ? [...granted.scopes] : granted.scopes.filter((scope) => requested.scopes!.includes(scope));
  let allowedTools = granted.allowedTools === undefined ? undefined : [...granted.allowedTools];
  if (requested?.allowedTools !== undefined) {
    allowedTools = (allowedTools ?? requested.allowedTools).filter((tool) => requested.allowedTools!.includes(tool));
  }
  return {
    scopes,
    ...(allowedTools === undefined ? {} : { allowedTools }),
    approvalForEffects: input.flags.length > 0,
    flags: [...input.flags],
  };
}
