// The session cookies as the storefront expects them: `access` (1 h) and `refresh` (7 d),
// HttpOnly, Path=/; Secure + SameSite=None in production (the storefront is on another site),
// SameSite=Lax in DEBUG (plain-http local development, where Secure cookies would be dropped).
import type Koa from 'koa';
import type { Config } from '../config.js';
import type { SessionTokens } from './sessions.js';
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS } from './tokens.js';

export const ACCESS_COOKIE = 'access';
export const REFRESH_COOKIE = 'refresh';

function options(config: Config, maxAgeSeconds: number) {
  return {
    httpOnly: true,
    path: '/',
    secure: !config.debug,
    sameSite: config.debug ? ('lax' as const) : ('none' as const),
    maxAge: maxAgeSeconds * 1000,
    overwrite: true,
  };
}

/**
 * The `cookies` library refuses to write a Secure cookie unless it believes the connection is
 * https. TLS usually ends at the reverse proxy, and the Secure attribute is an instruction to the
 * browser, so outside DEBUG the cookies are always marked Secure whatever the hop to us was.
 */
function allowSecure(ctx: Koa.Context, config: Config): void {
  if (!config.debug) ctx.cookies.secure = true;
}

export function setSessionCookies(ctx: Koa.Context, config: Config, tokens: SessionTokens): void {
  allowSecure(ctx, config);
  ctx.cookies.set(ACCESS_COOKIE, tokens.access, options(config, ACCESS_TOKEN_SECONDS));
  ctx.cookies.set(REFRESH_COOKIE, tokens.refresh, options(config, REFRESH_TOKEN_SECONDS));
}

export function clearSessionCookies(ctx: Koa.Context, config: Config): void {
  allowSecure(ctx, config);
  const expired = { ...options(config, 0), maxAge: undefined, expires: new Date(0) };
  ctx.cookies.set(ACCESS_COOKIE, '', expired);
  ctx.cookies.set(REFRESH_COOKIE, '', expired);
}
