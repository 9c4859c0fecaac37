// The Koa application: middleware in front, openapi-backend dispatching to the operation handlers.
import Koa from 'koa';
import helmet from 'koa-helmet';
import { allowedHosts } from './http/allowed-hosts.js';
import { createApi, type Api } from './http/api.js';
import { corsForFrontend } from './http/cors.js';
import { malformedPathParameters } from './http/hostile-input.js';
import { csrfProtection } from './http/csrf.js';
import { bodyParsing, errorBoundary, requestContext } from './http/middleware.js';
import { routingMethod } from './http/routing.js';
import { operations as allOperations } from './operations.js';
import type { OperationTable } from './http/operation.js';
import type { Services } from './services.js';

export interface App {
  koa: Koa;
  api: Api;
}

/** `operations` is replaceable so a test can mark one 'not-implemented' and see the 501 it answers. */
export async function createApp(services: Services, operations: OperationTable = allOperations): Promise<App> {
  const api = await createApi(operations, services);
  // Behind the reverse proxy, only the address it appended to X-Forwarded-For (the last one) is
  // known to be true; anything left of it is whatever the client chose to send (a made-up address
  // per request would slip past the per-IP throttles, and an 8 KB one broke them with a 500).
  const koa = new Koa({ proxy: services.config.trustProxy, maxIpsCount: 1 });
  koa.silent = true; // errors are logged by the error boundary, with the request id

  koa.use(requestContext(services.log));
  koa.use(errorBoundary());
  koa.use(allowedHosts(services.config.allowedHosts));
  // CORS before anything that can refuse a request, so the storefront can read those errors too.
  koa.use(corsForFrontend(services.config.frontendOrigins));
  koa.use(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } }));
  koa.use(csrfProtection(services.config.frontendOrigins));
  koa.use(bodyParsing(api));
  koa.use(malformedPathParameters(api));
  koa.use(async (ctx) => {
    await api.handleRequest(
      {
        method: routingMethod(ctx),
        path: ctx.path,
        body: ctx.request.body,
        query: ctx.query as Record<string, string | string[]>,
        headers: ctx.headers as Record<string, string | string[]>,
      },
      ctx,
    );
  });
  return { koa, api };
}
