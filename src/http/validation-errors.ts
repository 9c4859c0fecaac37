// Turns ajv's errors (from the request validators, request-validation.ts) into the API's error
// shape: one message per field, worded for people, with the first one as the top-level `error`.
// Linear in the number of errors, and at most MAX_FIELDS fields are listed: a body of 100,000
// unknown keys is answered as fast as one of three.
// A property may carry `x-error-message` in openapi.yaml to say exactly what the storefront shows
// (`{value}` in it stands for the refused value), and `x-missing-message` for when it is absent.
import type { ErrorObject } from 'ajv';
import { HttpError, type FieldErrors } from './errors.js';

const LOCATIONS = new Set(['requestBody', 'query', 'path', 'header', 'cookie']);

function fieldName(error: ErrorObject): string {
  const segments = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (segments.length && LOCATIONS.has(segments[0]!)) segments.shift();
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (error.keyword === 'required' && params.missingProperty) segments.push(params.missingProperty);
  if (error.keyword === 'additionalProperties' && params.additionalProperty) segments.push(params.additionalProperty);
  return segments.join('.') || 'non_field_errors';
}

function typeMessage(type: unknown): string {
  switch (type) {
    case 'integer':
      return 'A valid integer is required.';
    case 'number':
      return 'A valid number is required.';
    case 'boolean':
      return 'Must be a valid boolean.';
    case 'array':
      return 'Expected a list of items.';
    case 'object':
      return 'Expected an object.';
    default:
      return 'Not a valid string.';
  }
}

function describe(error: ErrorObject): string {
  const custom = (error.parentSchema as { 'x-error-message'?: unknown } | undefined)?.['x-error-message'];
  // `{value}` in the message names the refused value (as an enum's message does).
  if (typeof custom === 'string') return custom.replace('{value}', String(error.data));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      {
        // A property may say what to answer when it is missing (`x-missing-message`).
        const properties = (error.parentSchema as { properties?: Record<string, { 'x-missing-message'?: unknown }> } | undefined)
          ?.properties;
        const missing = properties?.[String(params.missingProperty)]?.['x-missing-message'];
        if (typeof missing === 'string') return missing;
      }
      return params.missingProperty === 'requestBody' ? 'A request body is required.' : 'This field is required.';
    case 'additionalProperties':
      return 'Unknown field.';
    case 'type':
      return typeMessage(params.type);
    case 'minimum':
      return `Ensure this value is greater than or equal to ${String(params.limit)}.`;
    case 'maximum':
      return `Ensure this value is less than or equal to ${String(params.limit)}.`;
    case 'exclusiveMinimum':
      return `Ensure this value is greater than ${String(params.limit)}.`;
    case 'minLength':
      return params.limit === 1 ? 'This field may not be blank.' : `Ensure this field has at least ${String(params.limit)} characters.`;
    case 'maxLength':
      return `Ensure this field has no more than ${String(params.limit)} characters.`;
    case 'minItems':
      return `Ensure this list has at least ${String(params.limit)} item(s).`;
    case 'maxItems':
      return `Ensure this list has no more than ${String(params.limit)} items.`;
    case 'minProperties':
      return 'Provide at least one field to change.';
    case 'enum':
      return `"${String(error.data)}" is not a valid choice.`;
    case 'format':
      return params.format === 'email' ? 'Enter a valid email address.' : `Enter a valid ${String(params.format)}.`;
    default:
      return 'Enter a valid value.';
  }
}

/** How many fields a validation error lists; the rest are counted in the message. */
const MAX_FIELDS = 20;

/**
 * Combinators report their branches' errors too; when a field failed an anyOf/oneOf, say that
 * once. The schema paths of the failed combinators' branches (`.../anyOf/`), for a lookup per error.
 */
function branchPrefixes(errors: ErrorObject[]): Set<string> {
  const prefixes = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') prefixes.add(`${error.schemaPath}/`);
  }
  return prefixes;
}

function isBranchError(error: ErrorObject, prefixes: Set<string>): boolean {
  if (!prefixes.size) return false;
  for (const combinator of error.schemaPath.matchAll(/\/(anyOf|oneOf)\//g)) {
    if (prefixes.has(error.schemaPath.slice(0, combinator.index + combinator[0].length))) return true;
  }
  return false;
}

export function validationError(errors: ErrorObject[]): HttpError {
  // A Map, not a plain object: field names come from the request (an unknown query parameter
  // named "constructor" or "__proto__" would otherwise find Object.prototype's members).
  const byField = new Map<string, string[]>();
  const unlisted = new Set<string>();
  const prefixes = branchPrefixes(errors);
  for (const error of errors) {
    if (isBranchError(error, prefixes)) continue;
    const name = fieldName(error);
    let list = byField.get(name);
    if (!list) {
      if (byField.size >= MAX_FIELDS) {
        unlisted.add(name);
        continue;
      }
      list = [];
      byField.set(name, list);
    }
    const message = describe(error);
    if (!list.includes(message)) list.push(message);
  }
  const fields: FieldErrors = Object.fromEntries(byField);
  const [firstField, firstMessages] = [...byField][0] ?? ['non_field_errors', ['Invalid request.']];
  const first = firstField === 'non_field_errors' ? firstMessages[0]! : `${firstField}: ${firstMessages[0]}`;
  const more = unlisted.size
    ? ` (${unlisted.size} more ${unlisted.size === 1 ? 'field has' : 'fields have'} errors; ${MAX_FIELDS} are listed.)`
    : '';
  return new HttpError(400, 'validation_error', first + more, { fields });
}
