export { createCustomAuth, type CustomAuth, type AuthUser, type AuthFilters } from './custom-auth.ts';
export { customAuthentication, authUserOf } from './custom-authentication.ts';
export { customAuthorization } from './custom-authorization.ts';
export { matchesAuthFilters, equalitiesOf } from './auth-filters.ts';
