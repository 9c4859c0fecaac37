// Throttling of the account operations that guessing or spraying would abuse (login, registration,
// verification mails, password-reset mails and confirmations). The counts live in PostgreSQL
// (ThrottleBucket), so every server process shares them, and each attempt is counted in one
// statement: concurrent attempts each get their own count, with no read-then-write.
import { isIPv4, isIPv6 } from 'node:net';
import type { Knex } from 'knex';
import type { RateLimit } from '../config.js';
import { tooManyRequests } from '../http/errors.js';
import { ThrottleBucket, type ThrottleScope } from './throttle-bucket.model.js';

/** Counts one attempt; throws 429 (with Retry-After) when it is over the limit of the window. */
export async function countAttempt(db: Knex, scope: ThrottleScope, key: string, rate: RateLimit): Promise<void> {
  const attempt = await ThrottleBucket.countAttempt(db, scope, key, rate.windowSeconds);
  // A new window has just started for this key: sweep a few long-expired buckets of others.
  if (attempt.hits === 1) await ThrottleBucket.pruneExpired(db);
  if (attempt.hits > rate.limit) throw tooManyRequests(attempt.secondsLeft);
}

/** The eight 16-bit groups of an IPv6 address (embedded dotted IPv4 tails included), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail, more] = text.split('::');
  if (more !== undefined) return undefined;
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  return [...left, ...Array<number>(Math.max(0, missing)).fill(0), ...right];
}

/** RFC 5952 text of eight groups: lower-case, no leading zeros, the longest run (2+) of zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let best = { start: -1, length: 1 };
  for (let start = 0; start < 8;) {
    let end = start;
    while (end < 8 && groups[end] === 0) end += 1;
    if (end - start > best.length) best = { start, length: end - start };
    start = end === start ? start + 1 : end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/**
 * The throttle key of a client address. IPv4 as is; an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`,
 * what a dual-stack socket reports) as its IPv4; any other IPv6 address as its /64 in canonical
 * form (`2001:db8::/64`): one subscriber usually holds a whole /64, and every spelling of one
 * address (`2001:0db8::1`, `2001:DB8::1`) must count together.
 */
export function throttleAddress(ip: string): string {
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const groups = ipv6Groups(ip);
  if (!groups) return ip;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.');
  }
  return `${formatIpv6([...groups.slice(0, 4), 0, 0, 0, 0])}/64`;
}
