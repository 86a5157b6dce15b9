import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError } from '../errors.ts';
import type { Domain, DomainContext, DomainFactory } from './domain.ts';

export const builtInDomainName = 'brightcart';

/**
 * Build the domain `DOMAIN` names: `brightcart` (the sample retailer, the default) or the path of
 * a module whose `createDomain` export builds one, resolved from the working directory.
 * @example const domain = await loadDomain(config.domain, { database, asOf: config.sampleAsOf });
 */
export async function loadDomain(specifier: string, context: DomainContext): Promise<Domain> {
  const factory = specifier === builtInDomainName ? await builtIn() : await fromModule(specifier);
  return factory(context);
}

async function builtIn(): Promise<DomainFactory> {
  const { createBrightcartDomain } = await import('./brightcart/index.ts');
  return createBrightcartDomain;
}

async function fromModule(specifier: string): Promise<DomainFactory> {
  const url = pathToFileURL(path.resolve(specifier)).href;
  let loaded: { createDomain?: unknown };
  try {
    loaded = await import(url) as { createDomain?: unknown };
  } catch (error) {
    throw new AppError('BAD_REQUEST', `DOMAIN=${specifier} could not be loaded`, { cause: error });
  }
  if (typeof loaded.createDomain !== 'function') {
    throw new AppError('BAD_REQUEST', `DOMAIN=${specifier} must export a createDomain function`);
  }
  return loaded.createDomain as DomainFactory;
}
