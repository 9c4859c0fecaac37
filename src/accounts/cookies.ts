// The session cookies as the storefront expects them: `access` (1 h) and `refresh` (7 d),
// HttpOnly, Path=/; Secure + SameSite=None in production (the storefront is on another site),
// SameSite=Lax in DEBUG (plain-http local development, where Secure cookies would be dropped).
// Outside DEBUG they are Secure whatever the hop to us was: TLS usually ends at the proxy.
import type { Config } from '../config.js';
import type { CookieOptions, Cookies } from '../http/operation.js';
import type { SessionTokens } from './session-tokens.js';
import { ACCESS_TOKEN_SECONDS, REFRESH_TOKEN_SECONDS } from './tokens.js';

export const ACCESS_COOKIE = 'access';
export const REFRESH_COOKIE = 'refresh';
/** The cookies that carry a session (the CSRF check looks for them). */
export const SESSION_COOKIES = [ACCESS_COOKIE, REFRESH_COOKIE];

function options(config: Config, maxAgeSeconds: number): CookieOptions {
  return {
    httpOnly: true,
    path: '/',
    secure: !config.debug,
    sameSite: config.debug ? 'lax' : 'none',
    maxAge: maxAgeSeconds * 1000,
  };
}

export function setSessionCookies(cookies: Cookies, config: Config, tokens: SessionTokens): void {
  cookies.set(ACCESS_COOKIE, tokens.access, options(config, ACCESS_TOKEN_SECONDS));
  cookies.set(REFRESH_COOKIE, tokens.refresh, options(config, REFRESH_TOKEN_SECONDS));
}

export function clearSessionCookies(cookies: Cookies, config: Config): void {
  const expired = { ...options(config, 0), maxAge: undefined, expires: new Date(0) };
  cookies.set(ACCESS_COOKIE, '', expired);
  cookies.set(REFRESH_COOKIE, '', expired);
}
