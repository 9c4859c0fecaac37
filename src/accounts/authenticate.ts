// Resolves who a request comes from: a Bearer token (non-browser clients) or the `access` cookie
// (the storefront). The result is memoised on the request because the spec lists two security
// schemes and openapi-backend asks each of them.
import type Koa from 'koa';
import type { Services } from '../services.js';
import type { SessionUser } from './session-user.js';
import { verifyToken } from './tokens.js';

export type AuthResult =
  | { user: SessionUser; via: 'cookie' | 'bearer' }
  | { user: null; reason: string };

const USER_COLUMNS = ['id', 'email', 'first_name', 'last_name', 'is_staff', 'email_verified'] as const;

export function bearerToken(ctx: Koa.Context): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'));
  return match?.[1];
}

async function resolve(ctx: Koa.Context, services: Services): Promise<AuthResult> {
  const bearer = bearerToken(ctx);
  const cookie = ctx.cookies.get('access');
  const token = bearer ?? cookie;
  if (!token) return { user: null, reason: 'Authentication credentials were not provided.' };
  const claims = verifyToken(services.config.secretKey, token, 'access');
  if (!claims) return { user: null, reason: 'Given token not valid for any token type' };
  const user = await services.db('users')
    .select(USER_COLUMNS)
    .where({ id: Number(claims.sub), is_active: true })
    .first();
  if (!user) return { user: null, reason: 'User not found or inactive.' };
  return { user: user as SessionUser, via: bearer ? 'bearer' : 'cookie' };
}

export function authenticate(ctx: Koa.Context, services: Services): Promise<AuthResult> {
  const state = ctx.state as { auth?: Promise<AuthResult> };
  state.auth ??= resolve(ctx, services);
  return state.auth;
}
