// CSRF defence for cookie sessions. Browsers attach cookies to cross-site requests, so a write
// (POST, PUT, PATCH, DELETE) that carries a session cookie must come from a page we trust: its
// Origin must be the API itself or one of FRONTEND_URL's origins; without an Origin header, the
// browser's Sec-Fetch-Site must say same-origin or none (typed URL, bookmark). A request with
// `Authorization: Bearer` is exempt (a cross-site page cannot set that header without a CORS
// preflight we refuse), and so is one carrying no session cookie — nothing to ride on; that
// includes the Stripe webhook.
import type Koa from 'koa';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../accounts/cookies.js';
import { bearerToken } from '../accounts/authenticate.js';
import { forbidden } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function originTrusted(ctx: Koa.Context, trustedOrigins: Set<string>): boolean {
  const origin = ctx.get('origin');
  // The API's own origin, built from protocol and Host (Koa's ctx.origin is the Origin header).
  if (origin) return origin === `${ctx.protocol}://${ctx.host}` || trustedOrigins.has(origin);
  const site = ctx.get('sec-fetch-site').toLowerCase();
  return site === 'same-origin' || site === 'none';
}

export function csrfProtection(frontendOrigins: string[]): Koa.Middleware {
  const trusted = new Set(frontendOrigins);
  return async (ctx, next) => {
    const carriesSession = Boolean(ctx.cookies.get(ACCESS_COOKIE) || ctx.cookies.get(REFRESH_COOKIE));
    if (!SAFE_METHODS.has(ctx.method) && carriesSession && !bearerToken(ctx) && !originTrusted(ctx, trusted)) {
      throw forbidden('Request origin is not trusted.');
    }
    await next();
  };
}
