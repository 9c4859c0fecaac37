// The composition: the operation tables of every domain, the HTTP layer in front of them, and
// what the HTTP layer must not know by itself (how a session is recognised, which cookies carry
// one). Layers below know nothing of this file.
import Koa from 'koa';
import helmet from 'koa-helmet';
import { accountOperations } from './accounts/index.js';
import { authenticate } from './accounts/authenticate.js';
import { auditLogOperations } from './audit/audit-log.js';
import { SESSION_COOKIES } from './accounts/cookies.js';
import { cartOperations } from './cart/index.js';
import { catalogueOperations } from './catalogue/index.js';
import { isDatabaseUnavailable } from './db.js';
import { allowedHosts } from './http/allowed-hosts.js';
import { createApi, type Api } from './http/api.js';
import { corsForFrontend } from './http/cors.js';
import { csrfProtection } from './http/csrf.js';
import { drainUnreadBody, errorBoundary, requestContext } from './http/middleware.js';
import { outageHandling } from './http/outage.js';
import { orderOperations } from './orders/index.js';
import { panelOperations } from './panel/index.js';
import { platformOperations } from './platform/index.js';
import { requestMetrics } from './runtime/metrics.js';
import type { OperationTable, Services } from './services.js';

/** Every operation of openapi.yaml, by operationId: one missing is a type error. */
export const operations = {
  ...platformOperations,
  ...accountOperations,
  ...catalogueOperations,
  ...cartOperations,
  ...orderOperations,
  ...panelOperations,
  ...auditLogOperations,
} satisfies OperationTable;

/**
 * What a 503 for an unreachable database tells clients: long enough not to hammer a database that
 * is restarting, short enough that a storefront retrying once it has passed finds it back.
 */
const RETRY_AFTER_SECONDS = 5;

export interface App {
  koa: Koa;
  api: Api;
}

/** `table` is replaceable so a test can see start-up refuse a table that disagrees with the spec. */
export async function createApp(services: Services, table: OperationTable = operations): Promise<App> {
  const api = await createApi(table, { services, authenticate: (request) => authenticate(request, services) });
  // Behind the reverse proxy, only the address it appended to X-Forwarded-For (the last one) is
  // known to be true; anything left of it is whatever the client chose to send (a made-up address
  // per request would slip past the per-IP throttles, and an 8 KB one broke them with a 500).
  const koa = new Koa({ proxy: services.config.trustProxy, maxIpsCount: 1 });
  koa.silent = true; // errors are logged by the error boundary, with the request id

  koa.use(requestMetrics());
  koa.use(requestContext(services.log));
  koa.use(drainUnreadBody());
  koa.use(errorBoundary());
  koa.use(allowedHosts(services.config.allowedHosts));
  // CORS before anything that can refuse a request, so the storefront can read those errors too.
  koa.use(corsForFrontend(services.config.frontendOrigins));
  koa.use(helmet({ contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } }));
  koa.use(csrfProtection({ trustedOrigins: services.config.frontendOrigins, sessionCookies: SESSION_COOKIES }));
  koa.use(
    outageHandling({
      isUnavailable: isDatabaseUnavailable,
      responseTimeoutMs: services.config.responseTimeoutSeconds * 1000,
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    }),
  );
  koa.use(api.routes);
  return { koa, api };
}
