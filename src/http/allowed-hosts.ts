// ALLOWED_HOSTS: the Host header must name this service (as Django checks it), so poisoned Host
// headers cannot steer anything built from it. An empty list (local development) allows any host.
// Entries are exact host names, `.example.com` for a domain and its subdomains, or `*`.
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
    if (allowed.length && !hostAllowed(ctx.hostname, allowed)) {
      throw new HttpError(400, 'bad_request', 'Invalid Host header.');
    }
    await next();
  };
}
