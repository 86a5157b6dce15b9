export type { Domain, DomainContext, DomainFactory } from './domain.ts';
export { loadDomain, builtInDomainName } from './load-domain.ts';
