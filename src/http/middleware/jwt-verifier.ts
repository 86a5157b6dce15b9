import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { tenantIdPattern, type JwtConfig } from '../../config.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { Caller } from '../app-env.ts';
import { unauthorized } from './unauthorized.ts';

/** Turns a bearer token into the caller it names, or throws 401 (bad token) or 503 (keys unreachable). */
export type JwtVerifier = (token: string) => Promise<Caller>;

// Compact JWS: header.payload.signature, the signature empty for `alg: none` (refused below).
const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Whether a bearer credential has the shape of a JWT (three base64url segments). */
export function looksLikeJwt(token: string): boolean {
  return compactJws.test(token);
}

/**
 * Verify OAuth2/OIDC bearer JWTs with `jose`: signature against the configured key source,
 * issuer, audience, `exp` (required) and `nbf` with a small clock skew, and only the allowed
 * algorithms (never `none`; HMAC only with a shared secret). A JWKS is cached and fetched again
 * when a token names a key id it does not know (key rotation), at most once per cool-down.
 * @example const verify = createJwtVerifier(config.jwt); const caller = await verify(token);
 */
export function createJwtVerifier(config: JwtConfig): JwtVerifier {
  const key = keySource(config.keys);
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: config.algorithms,
        clockTolerance: config.clockSkewSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (isAppError(error)) throw error;
      throw unauthorized(describeRejection(error), { invalid: true, cause: error });
    }
    return callerOf(payload, config);
  };
}

function keySource(keys: JwtConfig['keys']): JWTVerifyGetKey {
  if (keys.kind !== 'jwks') return async () => keys.key;
  const remote = createRemoteJWKSet(keys.url, { cooldownDuration: keys.cooldownSeconds * 1_000, timeoutDuration: 5_000 });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      // An unknown key id is the token's fault; anything else is the identity provider's.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new AppError('IDENTITY_PROVIDER_UNAVAILABLE', 'The identity provider\'s signing keys (JWKS) could not be fetched; try again later', { cause: error });
    }
  };
}

function describeRejection(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'The token was issued by another issuer';
    if (error.claim === 'aud') return 'The token is meant for another audience';
    if (error.claim === 'nbf') return 'The token is not valid yet';
    return `The token's ${error.claim} claim is ${error.reason === 'missing' ? 'missing' : 'not acceptable'}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The token is signed with an algorithm that is not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'The token is signed with an unknown key';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is invalid';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'The token is malformed';
  return 'The token could not be verified';
}

/** Tenant, scopes and name from the configured claims; `scope` may be a space-separated string or an array (`scp`). */
function callerOf(payload: JWTPayload, config: JwtConfig): Caller {
  const tenantClaim = payload[config.claims.tenant];
  const tenantId = tenantClaim === undefined ? config.defaultTenant : tenantClaim;
  if (tenantId === undefined) throw unauthorized('The token has no tenant claim', { invalid: true });
  if (typeof tenantId !== 'string' || !tenantIdPattern.test(tenantId)) throw unauthorized('The token tenant claim is not a valid tenant id', { invalid: true });
  const named = payload[config.claims.name] ?? payload.sub;
  if (typeof named !== 'string' || named === '') throw unauthorized('The token names no subject', { invalid: true });
  return {
    tenantId,
    scopes: scopesOf(payload[config.claims.scopes] ?? payload.scp),
    name: named,
    kind: 'jwt',
    id: `jwt:${payload.sub ?? named}`,
  };
}

function scopesOf(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(/\s+/).filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((scope): scope is string => typeof scope === 'string' && scope !== '');
  return [];
}
