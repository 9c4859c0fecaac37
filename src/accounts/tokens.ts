// Session tokens: HS256 JWTs signed with SECRET_KEY, with an explicit algorithm list (so
// `alg: none` and public-key confusion are refused) and issuer, audience and type claims (so an
// access token never passes as a refresh token or the reverse).
import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const ISSUER = 'store-backend';
export const AUDIENCE = 'store-api';
export const ACCESS_TOKEN_SECONDS = 60 * 60;
export const REFRESH_TOKEN_SECONDS = 7 * 24 * 60 * 60;

export const VERIFY_EMAIL_TOKEN_SECONDS = 24 * 60 * 60;
export const PASSWORD_RESET_TOKEN_SECONDS = 60 * 60;

/** Session tokens (`access`, `refresh`) and the single-use tokens sent by e-mail. */
export type TokenType = 'access' | 'refresh' | 'verify_email' | 'password_reset';

export interface TokenClaims {
  /** The user id. */
  sub: string;
  typ: TokenType;
  /** The login session (refresh token family) the token belongs to; required on session tokens. */
  sid?: string;
  /** Unique id of this token. */
  jti?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Only a digest of a token id is stored, so the database never holds a usable token. */
export function tokenDigest(jti: string): string {
  return createHash('sha256').update(jti).digest('hex');
}

export function signToken(secret: string, claims: TokenClaims, expiresInSeconds: number): string {
  return jwt.sign(claims, secret, {
    algorithm: 'HS256',
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: expiresInSeconds,
  });
}

/** Returns the claims of a valid token of the given type, or null for anything else. */
export function verifyToken(secret: string, token: string, type: TokenType): (TokenClaims & { exp: number }) | null {
  try {
    const claims = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
    if (typeof claims !== 'object' || claims === null) return null;
    const { sub, typ, exp } = claims as Partial<TokenClaims> & { exp?: number };
    if (typ !== type || typeof sub !== 'string' || !/^\d+$/.test(sub) || typeof exp !== 'number') return null;
    const { sid, jti } = claims as Partial<TokenClaims>;
    if ((type === 'access' || type === 'refresh') && (typeof sid !== 'string' || !UUID.test(sid))) return null;
    if (type !== 'access' && (typeof jti !== 'string' || jti.length < 16)) return null;
    return claims as TokenClaims & { exp: number };
  } catch {
    return null;
  }
}
