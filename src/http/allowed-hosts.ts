// ALLOWED_HOSTS: the Host header must name this service (as Django checks it), so poisoned Host
// headers cannot steer anything built from it. An empty list (local development) allows any host.
// Entries are exact host names, `.example.com` for a domain and its subdomains, or `*`. An
// HTTP/1.1 request without Host is refused whatever the list says.
import type Koa from 'koa';
import { HttpError } from './errors.js';

function hostAllowed(hostname: string, allowed: string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return allowed.some(
    (entry) => entry === '*' || entry === host || (entry.startsWith('.') && (host === entry.slice(1) || host.endsWith(entry))),
  );
}

export function allowedHosts(allowed: string[]): Koa.Middleware {
  return async (ctx, next) => {
    // HTTP/1.1 requires Host (RFC 9112 §3.2); the server lets such a request through to be answered here.
    if (ctx.req.headers.host === undefined && ctx.req.httpVersion === '1.1') {
      throw new HttpError(400, 'bad_request', 'Missing Host header.');
    }
    if (allowed.length && !hostAllowed(ctx.hostname, allowed)) {
      throw new HttpError(400, 'bad_request', 'Invalid Host header.');
    }
    await next();
  };
}
