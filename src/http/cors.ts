// CORS through @koa/cors: the storefront's origins (FRONTEND_URL) may call with credentials;
// any other origin gets no CORS headers at all, so the browser keeps its answers from it.
// Preflights from a trusted origin are answered here (204) before routing.
import cors from '@koa/cors';
import type Koa from 'koa';

export function corsForFrontend(frontendOrigins: string[]): Koa.Middleware {
  const trusted = new Set(frontendOrigins);
  return cors({
    origin: (ctx) => (trusted.has(ctx.get('origin')) ? ctx.get('origin') : ''),
    credentials: true,
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    // Every request header the API documents (a browser refuses to send one a preflight does not
    // allow: an order with Idempotency-Key would fail with "Failed to fetch")...
    allowHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key', 'If-None-Match', 'X-Request-Id'],
    // ...and every response header a client reads (hidden from its script otherwise).
    exposeHeaders: ['X-Request-Id', 'X-Total-Count', 'Link', 'ETag', 'Retry-After', 'Location'],
    maxAge: 600,
  });
}
