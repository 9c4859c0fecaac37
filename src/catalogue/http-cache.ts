// Conditional GETs for the public catalogue. The ETag changes whenever the answer does: it is
// made from what the answer's products were written by (their ids and the transactions that last
// wrote them, see WRITTEN in product.model.ts) and its headers (total count and links), so any
// write to a listed product, or a product joining or leaving the page, gives a new one, and an
// If-None-Match that still matches answers 304 with no body. Cheaper than hashing the answer's
// JSON text (27 KB for the 48 products of products.json), and as exact.
import { hash } from 'node:crypto';

/**
 * Browsers and shared caches (a CDN) may reuse a catalogue answer for a minute; after that they
 * must ask again, and an unchanged answer costs a 304. Stock and prices are re-checked when an
 * order is placed, so a minute-old page is harmless.
 */
const CATALOGUE_CACHE_CONTROL = 'public, max-age=60, must-revalidate';

function etagOf(written: string, headers: Record<string, string>): string {
  // Weak: equal content, not necessarily equal bytes (a proxy may compress it).
  return `W/"${hash('sha1', `${written}\u0000${JSON.stringify(headers)}`, 'base64url')}"`;
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

/**
 * The 200 answer with ETag and Cache-Control, or a 304 when the client already has it. `written`
 * says which writes the body is the outcome of (see WRITTEN in product.model.ts).
 */
export function conditionalReply<B>(
  ifNoneMatch: string | undefined,
  body: B,
  written: string,
  headers: Record<string, string> = {},
): Conditional<B> {
  const etag = etagOf(written, headers);
  const caching = { ETag: etag, 'Cache-Control': CATALOGUE_CACHE_CONTROL };
  if (isNotModified(ifNoneMatch, etag)) return { status: 304, body: undefined, headers: caching };
  return { status: 200, body, headers: { ...headers, ...caching } };
}
