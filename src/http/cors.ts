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
    allowHeaders: ['Content-Type', 'Authorization', 'X-Request-Id', 'If-None-Match'],
    exposeHeaders: ['X-Request-Id', 'X-Total-Count', 'Link', 'Retry-After', 'ETag'],
    maxAge: 600,
  });
}
