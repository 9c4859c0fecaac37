// The one error shape of the API: {error, code, detail, fields?}. Anything thrown inside a request
// ends up here; only HttpErrors reach the client with their message, everything else is a logged
// 500 with a generic message (never a stack trace).
//
// `detail` and the field messages at the top level are the members Django REST framework's
// clients read (the original backend's storefront shows `detail` and `email[0]`, and treats a 401
// as "just a guest" only when `detail` is DRF's exact text), so every error carries them too.
import type { components } from '../../generated/openapi.js';

export type FieldErrors = Record<string, string[]>;
/** The codes openapi.yaml lists (ErrorCode): a new one is added there first. */
export type ErrorCode = components['schemas']['ErrorCode'];

/** Members of the error shape itself: a field of that name is listed only under `fields`. */
const SHAPE_MEMBERS = new Set(['error', 'code', 'detail', 'fields']);

/** The error body: the shape's members, each field's messages also at the top level (as DRF answered), then `extra`. */
export function errorBody(
  message: string,
  code: ErrorCode,
  fields?: FieldErrors,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const topLevel = fields
    ? Object.fromEntries(Object.entries(fields).filter(([name]) => !SHAPE_MEMBERS.has(name) && !(name in extra)))
    : {};
  return { error: message, code, detail: message, ...topLevel, ...(fields ? { fields } : {}), ...extra };
}

export class HttpError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: FieldErrors | undefined;
  readonly headers: Record<string, string>;
  /** Extra top-level members some documented errors carry (e.g. current_prices on a 409). */
  readonly extra: Record<string, unknown>;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    options: { fields?: FieldErrors; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }

  toBody(): Record<string, unknown> {
    return errorBody(this.message, this.code, this.fields, this.extra);
  }
}

export const badRequest = (message: string, fields?: FieldErrors) =>
  new HttpError(400, 'validation_error', message, fields ? { fields } : {});

/**
 * A refusal of one field of the request: `fields` names it with `message`; the top-level `error`
 * is `summary` when given (a sentence for people), else `<field>: <message>`.
 */
export function fieldError(
  field: string,
  message: string,
  options: { summary?: string; status?: number; code?: ErrorCode } = {},
): HttpError {
  return new HttpError(options.status ?? 400, options.code ?? 'validation_error', options.summary ?? `${field}: ${message}`, {
    fields: { [field]: [message] },
  });
}
export const notAuthenticated = (message = 'Authentication credentials were not provided.') =>
  new HttpError(401, 'not_authenticated', message);
export const forbidden = (message = 'You do not have permission to perform this action.') => new HttpError(403, 'forbidden', message);
export const notFound = (message = 'Not found.') => new HttpError(404, 'not_found', message);
export const conflict = (message: string, extra?: Record<string, unknown>) =>
  new HttpError(409, 'conflict', message, extra ? { extra } : {});
export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many attempts. Try again later.') =>
  new HttpError(429, 'throttled', message, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
/** With `retryAfterSeconds` when the client may simply try again later (an outage, not a missing setting). */
export const serviceUnavailable = (message: string, retryAfterSeconds?: number) =>
  new HttpError(
    503,
    'service_unavailable',
    message,
    retryAfterSeconds === undefined ? {} : { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } },
  );
export const badGateway = (message: string) => new HttpError(502, 'bad_gateway', message);
