import type { RunnableConfig } from '@langchain/core/runnables';

/**
 * The tenant of checkpoints written without one: embedded graphs that never name a tenant,
 * and every checkpoint stored before checkpoints were keyed by tenant. The same value as
 * `defaultTenantId` of the graphs' run context, which is what the HTTP API's open mode uses.
 */
export const defaultTenant = 'default';

/**
 * The tenant a saver call acts for: `config.configurable.tenant_id`, as the run manager sets
 * it and LangGraph spreads into every config it hands a checkpointer; `default` when absent.
 * @example tenantOf({ configurable: { thread_id: 't', tenant_id: 'acme' } }) // 'acme'
 */
export function tenantOf(config: RunnableConfig | undefined): string {
  const tenant = config?.configurable?.tenant_id;
  return typeof tenant === 'string' && tenant !== '' ? tenant : defaultTenant;
}

/**
 * The `tenant_id` entry of a config the saver returns (put's config, a tuple's config and
 * parent config). LangGraph feeds some of those back without the run's configurable (a fork
 * puts on `tuple.parentConfig`, task writes go to `put`'s result), so another tenant's configs
 * must carry it. The default tenant's configs stay exactly as the official savers return them,
 * which the validation suite compares key for key.
 */
export function tenantEntry(tenant: string): { tenant_id?: string } {
  return tenant === defaultTenant ? {} : { tenant_id: tenant };
}
