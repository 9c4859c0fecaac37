// Conditional GETs for the public catalogue. The ETag is a hash of exactly what the client would
// receive (body, total count and links), so it changes whenever any listed product changes, and
// an If-None-Match that still matches answers 304 with no body. The body's JSON text is made once
// (jsonText): hashed here, and sent as it is.
import { createHash } from 'node:crypto';
import { jsonText } from '../http/json-body.js';

/**
 * Browsers and shared caches (a CDN) may reuse a catalogue answer for a minute; after that they
 * must ask again, and an unchanged answer costs a 304. Stock and prices are re-checked when an
 * order is placed, so a minute-old page is harmless.
 */
const CATALOGUE_CACHE_CONTROL = 'public, max-age=60, must-revalidate';

function etagOf(...parts: unknown[]): string {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(jsonText(part)).update('\u0000');
  // Weak: equal JSON, not necessarily equal bytes (a proxy may compress it).
  return `W/"${hash.digest('base64url')}"`;
}

/** RFC 9110 weak comparison against every tag of If-None-Match (or `*`). */
function isNotModified(ifNoneMatch: string | undefined, etag: string): boolean {
  const header = ifNoneMatch;
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

type Conditional<B> =
  { status: 200; body: B; headers: Record<string, string> } | { status: 304; body: undefined; headers: Record<string, string> };

/** The 200 answer with ETag and Cache-Control, or a 304 when the client already has it. */
export function conditionalReply<B>(ifNoneMatch: string | undefined, body: B, headers: Record<string, string> = {}): Conditional<B> {
  const etag = etagOf(body, headers);
  const caching = { ETag: etag, 'Cache-Control': CATALOGUE_CACHE_CONTROL };
  if (isNotModified(ifNoneMatch, etag)) return { status: 304, body: undefined, headers: caching };
  return { status: 200, body, headers: { ...headers, ...caching } };
}
