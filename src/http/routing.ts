// The API's routes: built from openapi.yaml's paths once at start-up, one @koa/router route per
// path, each with a table from method to that path's operation. A request is matched against the
// paths' precompiled patterns, then its method is looked up in the matched path's table; a known
// path without the method answers 405 with the Allow list worked out at start-up.
import Router, { type RouterContext } from '@koa/router';
import type Koa from 'koa';
import { HttpError } from './errors.js';

/**
 * The method a request is routed with: HEAD is answered as GET (Koa sends no body for a HEAD
 * answer), so `curl -I` and monitoring probes work on every readable resource.
 */
function routingMethod(ctx: Koa.Context): string {
  return ctx.method === 'HEAD' ? 'GET' : ctx.method;
}

const PARAMETER = /^\{(.+)\}$/;

/** `/api/products/{id}/` as @koa/router (path-to-regexp) writes it: `/api/products/:id/`, literal text escaped. */
function routerPath(template: string): string {
  return template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = PARAMETER.exec(part)?.[1];
      if (name === undefined) return part.replace(/[{}()[\]+?!:*\\]/g, '\\$&');
      return /^[A-Za-z_$][\w$]*$/.test(name) ? `:${name}` : `:${JSON.stringify(name)}`;
    })
    .join('');
}

/** The names of a path template's parameters, in order. */
export function parameterNames(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
}

/**
 * Literal paths before templates, and among templates the one with the most literal text first
 * (`/api/products/create/` is not product "create"; `/api/orders/addresses/{id}/` before `/api/orders/{id}/status/`).
 */
function specificity(template: string): number {
  if (!template.includes('{')) return Number.MAX_SAFE_INTEGER;
  return template.replace(/\{[^}]+\}/g, '').length;
}

export type OperationMiddleware = (ctx: RouterContext) => Promise<void>;

export interface Route {
  /** The path template as the spec writes it. */
  path: string;
  /** Upper-case method. */
  method: string;
  run: OperationMiddleware;
}

/** What `Allow` says for a set of methods: HEAD goes with GET. */
function allowList(methods: Iterable<string>): string[] {
  const allowed = new Set(methods);
  if (allowed.has('GET')) allowed.add('HEAD');
  return [...allowed];
}

/**
 * The router of every route, answering 404 for an unknown path and 405 (with `Allow`) for a known
 * path called with a method it does not have.
 */
export function routeTable(routes: Route[]): Koa.Middleware {
  const byPath = new Map<string, Map<string, OperationMiddleware>>();
  for (const route of routes) {
    const methods = byPath.get(route.path) ?? new Map<string, OperationMiddleware>();
    byPath.set(route.path, methods);
    if (methods.has(route.method)) throw new Error(`openapi.yaml: ${route.method} ${route.path} is declared twice`);
    methods.set(route.method, route.run);
  }

  // sensitive + strict: paths match exactly as the spec writes them, trailing slash included.
  const router = new Router({ sensitive: true, strict: true });
  const allowedByRoute = new Map<string, string[]>();
  const templates = [...byPath.keys()].sort((a, b) => specificity(b) - specificity(a));
  for (const template of templates) {
    const methods = byPath.get(template)!;
    const pattern = routerPath(template);
    allowedByRoute.set(pattern, allowList(methods.keys()));
    router.all(pattern, (ctx, next) => {
      const run = methods.get(routingMethod(ctx));
      // Not this path's method: a less specific path that also matches may have it.
      return run ? run(ctx) : next();
    });
  }

  const dispatch = router.routes();
  const notRouted = (ctx: Koa.Context): never => {
    const matched = (ctx as RouterContext).matched ?? [];
    if (!matched.length) throw new HttpError(404, 'not_found', 'Not found.');
    // Usually one path matched; a request that two templates match may use the methods of both.
    const allowed = allowList(matched.flatMap((layer) => allowedByRoute.get(layer.path as string) ?? []));
    throw new HttpError(405, 'method_not_allowed', `Method "${ctx.method}" not allowed.`, { headers: { Allow: allowed.join(', ') } });
  };
  return async (ctx) => {
    await dispatch(ctx as never, async () => notRouted(ctx));
  };
}
