// The one error shape of the API: {error, code, fields?}. Anything thrown inside a request ends
// up here; only HttpErrors reach the client with their message, everything else is a logged 500
// with a generic message (never a stack trace).
export type FieldErrors = Record<string, string[]>;

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldErrors | undefined;
  readonly headers: Record<string, string>;
  /** Extra top-level members some documented errors carry (e.g. current_prices on a 409). */
  readonly extra: Record<string, unknown>;

  constructor(
    status: number,
    code: string,
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
    return { error: this.message, code: this.code, ...(this.fields ? { fields: this.fields } : {}), ...this.extra };
  }
}

export const badRequest = (message: string, fields?: FieldErrors) =>
  new HttpError(400, 'validation_error', message, fields ? { fields } : {});

/**
 * A refusal of one field of the request: `fields` names it with `message`; the top-level `error`
 * is `summary` when given (a sentence for people), else `<field>: <message>`.
 */
export function fieldError(field: string, message: string, options: { summary?: string; status?: number; code?: string } = {}): HttpError {
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
