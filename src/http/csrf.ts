// CSRF defence for cookie sessions. Browsers attach cookies to cross-site requests, so a write
// (POST, PUT, PATCH, DELETE) that carries a session cookie must come from a page we trust: its
// Origin must be the API itself or one of FRONTEND_URL's origins; without an Origin header, the
// browser's Sec-Fetch-Site must say same-origin or none (typed URL, bookmark). A request with
// `Authorization: Bearer` is exempt (a cross-site page cannot set that header without a CORS
// preflight we refuse), and so is one carrying no session cookie — nothing to ride on; that
// includes the Stripe webhook.
import type Koa from 'koa';
import { forbidden } from './errors.js';
import { bearerToken } from './request.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface CsrfOptions {
  /** FRONTEND_URL's origins. */
  trustedOrigins: string[];
  /** The cookies that carry a session (a request with none of them has nothing to ride on). */
  sessionCookies: string[];
}

function originTrusted(ctx: Koa.Context, trustedOrigins: Set<string>): boolean {
  const origin = ctx.get('origin');
  // The API's own origin, built from protocol and Host (Koa's ctx.origin is the Origin header).
  if (origin) return origin === `${ctx.protocol}://${ctx.host}` || trustedOrigins.has(origin);
  const site = ctx.get('sec-fetch-site').toLowerCase();
  return site === 'same-origin' || site === 'none';
}

export function csrfProtection(options: CsrfOptions): Koa.Middleware {
  const trusted = new Set(options.trustedOrigins);
  return async (ctx, next) => {
    // Reads first: a safe method needs no look at its cookies.
    if (SAFE_METHODS.has(ctx.method)) {
      await next();
      return;
    }
    const carriesSession = options.sessionCookies.some((name) => ctx.cookies.get(name));
    if (carriesSession && !bearerToken(ctx.get('authorization')) && !originTrusted(ctx, trusted)) {
      throw forbidden('Request origin is not trusted.');
    }
    await next();
  };
}
