// How a request is matched to an operation of the spec, in one place for every middleware that asks.
import type Koa from 'koa';
import type { OpenAPIBackend } from 'openapi-backend';

/**
 * The method a request is routed with: HEAD is answered as GET (Koa sends no body for a HEAD
 * answer), so `curl -I` and monitoring probes work on every readable resource.
 */
export function routingMethod(ctx: Koa.Context): string {
  return ctx.method === 'HEAD' ? 'GET' : ctx.method;
}

/** The spec's router and validator, built once at start-up (see api.ts). */
export type Api = OpenAPIBackend;

/** The operation of the spec a request is for, if any. */
export function matchRequest(api: Api, ctx: Koa.Context) {
  return api.router.matchOperation({ method: routingMethod(ctx), path: ctx.path, headers: {} });
}
