// Input that passes the spec's schemas but cannot be handled further down, refused in one place
// with a 400 naming the field instead of a 500 from deep inside a handler:
// - text holding NUL (U+0000): PostgreSQL text columns and LIKE patterns reject it ("invalid byte
//   sequence for encoding UTF8: 0x00"), so any string that reaches a query would fail there;
// - text holding an unpaired UTF-16 surrogate (e.g. JSON "\ud800"): not Unicode, and silently
//   turned into U+FFFD when encoded for the database — stored data would differ from what was sent;
// - a path parameter whose percent-encoding does not decode (`/api/products/%ZZ/`): it has no text
//   to hand over (the router would pass the raw segment on as if it were the value).
import { fieldError } from './errors.js';

const NUL_MESSAGE = 'Text may not contain NUL (\\u0000) characters.';
const SURROGATE_MESSAGE = 'Text must be valid Unicode (it holds an unpaired surrogate).';
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function problemOf(text: string): string | undefined {
  if (text.includes('\u0000')) return NUL_MESSAGE;
  if (UNPAIRED_SURROGATE.test(text)) return SURROGATE_MESSAGE;
  return undefined;
}

/** The first string (value or property name) in `value` that cannot be stored, with its field path. */
export function findUnstorableText(value: unknown, path: string[] = []): { field: string; message: string } | undefined {
  const at = (segments: string[]) => segments.join('.') || 'non_field_errors';
  if (typeof value === 'string') {
    const message = problemOf(value);
    return message ? { field: at(path), message } : undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = problemOf(key);
    if (keyProblem) return { field: at(path), message: keyProblem };
    const found = findUnstorableText(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** Throws 400 validation_error naming the first field of params, query or body that cannot be stored. */
export function refuseUnstorableText(parts: Record<string, unknown>): void {
  for (const value of Object.values(parts)) {
    const found = findUnstorableText(value);
    if (found) {
      throw fieldError(found.field, found.message);
    }
  }
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/**
 * Throws 400 naming the first path parameter whose percent-encoding is malformed. `raw` are the
 * path's segments captured for `names`, still encoded. (An unknown path stays 404: it never
 * matched a route.)
 */
export function refuseMalformedPathParameters(names: readonly string[], raw: readonly string[]): void {
  for (let index = 0; index < names.length; index += 1) {
    if (!decodes(raw[index] ?? '')) throw fieldError(names[index]!, 'Malformed percent-encoding in the URL.');
  }
}
