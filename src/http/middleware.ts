// The Koa middleware around the API's routes: request ids and structured logs, the error boundary
// that renders every failure in the one error shape, and each operation's body parsing with limits.
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type Koa from 'koa';
import { koaBody } from 'koa-body';
import type { Logger } from '../log.js';
import type { MediaType } from './spec.js';
import { errorBody, HttpError } from './errors.js';

const JSON_BODY_LIMIT = '1mb';
const IMAGE_SIZE_LIMIT = 5 * 1024 * 1024;

declare module 'koa' {
  interface DefaultState {
    requestId: string;
    log: Logger;
    /** The operation the request was routed to (none yet, or no route). */
    operationId?: string;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Every response carries X-Request-Id (the caller's, if it sent a sane one) and every log line it. */
export function requestContext(log: Logger): Koa.Middleware {
  return async (ctx, next) => {
    const given = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(given) ? given : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = log.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, durationMs: Math.round(durationMs * 10) / 10 },
        'request',
      );
    }
  };
}

/**
 * What a failure to read the body means for the client. Only body parsing comes here (through
 * koa-body's onError): an error with a status thrown anywhere else is a bug, and answers 500.
 */
function bodyParsingError(error: unknown): HttpError {
  // raw-body, co-body and formidable carry an HTTP status.
  const status = (error as { status?: unknown; statusCode?: unknown; httpCode?: unknown } | null) ?? {};
  const code = Number(status.status ?? status.statusCode ?? status.httpCode);
  const message = error instanceof Error ? error.message : '';
  if (code === 413 || /maxFileSize|maxTotalFileSize|too large/i.test(message)) {
    // The rest of the body is still arriving: drainUnreadBody reads it so the client gets this answer.
    return new HttpError(413, 'payload_too_large', 'Request body is too large.');
  }
  if (code === 415) return new HttpError(415, 'unsupported_media_type', 'Unsupported media type.');
  // A body announced as gzip/deflate/br (Content-Encoding) that does not inflate: zlib's errors
  // carry a Z_* code and no HTTP status.
  const zlibCode = (error as { code?: unknown } | null)?.code;
  if (typeof zlibCode === 'string' && /^Z_(DATA|BUF|STREAM)_ERROR$|^ERR_BROTLI/.test(zlibCode)) {
    return new HttpError(400, 'bad_request', 'The request body could not be decompressed (check Content-Encoding).');
  }
  if (error instanceof SyntaxError || (error as { type?: unknown }).type === 'entity.parse.failed') {
    return new HttpError(400, 'invalid_json', `Malformed JSON body: ${message}`);
  }
  if (code >= 400 && code < 500) return new HttpError(code, 'bad_request', message || 'The request body could not be read.');
  return new HttpError(400, 'bad_request', 'The request body could not be read.');
}

/** How much of a body the server did not read it still reads and discards after answering, and for how long. */
const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
const DRAIN_TIME_MS = 30_000;

/**
 * An answer given before the body was read (413, 415, 401, 404 ...) while the client is still
 * sending it (Node's fetch and browsers send the whole body before they read the answer): closing
 * the connection then discards unread data, which makes the kernel send a reset, and the client
 * loses the answer too (EPIPE, "connection reset"). Like nginx's lingering close, the rest of the
 * body is read and discarded instead, up to DRAIN_LIMIT_BYTES and DRAIN_TIME_MS; the connection
 * then serves its next request as usual. A body announced larger than that is not waited for: the
 * connection closes after the answer.
 */
export function drainUnreadBody(): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      if (!ctx.req.complete) drain(ctx);
    }
  };
}

function drain(ctx: Koa.Context): void {
  const { req } = ctx;
  if (Number(req.headers['content-length'] ?? 0) > DRAIN_LIMIT_BYTES) {
    ctx.set('Connection', 'close');
    return;
  }
  // Whoever was reading (raw-body, formidable) has given up; nothing else may see the rest.
  req.unpipe();
  req.removeAllListeners('data');
  let received = 0;
  const giveUp = () => req.socket.destroy();
  const timer = setTimeout(giveUp, DRAIN_TIME_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > DRAIN_LIMIT_BYTES) giveUp();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** The error boundary: known errors in the error schema, unknown ones as a logged, generic 500. */
export function errorBoundary(): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof HttpError) {
        ctx.set(error.headers);
        ctx.status = error.status;
        ctx.body = error.toBody();
        return;
      }
      ctx.state.log.error({ err: error }, 'unhandled error');
      ctx.status = 500;
      ctx.body = errorBody('Internal server error.', 'internal_error');
    }
  };
}

function hasBody(ctx: Koa.Context): boolean {
  return Number(ctx.get('content-length') || 0) > 0 || ctx.get('transfer-encoding') !== '';
}

const parseBody = koaBody({
  json: true,
  jsonLimit: JSON_BODY_LIMIT,
  jsonStrict: true,
  urlencoded: false,
  text: false,
  multipart: true,
  includeUnparsed: true,
  formidable: { maxFileSize: IMAGE_SIZE_LIMIT, maxFiles: 1, maxFields: 50, allowEmptyFiles: false },
  onError: (error) => {
    throw bodyParsingError(error);
  },
});

/**
 * The body parser of an operation that declares a body: only in a media type the spec lists for
 * it (415 otherwise). The raw text is kept (see rawBody) for the Stripe webhook's signature check.
 * `formSchema` is the schema form fields are coerced to (see coerceFormFields).
 */
export function bodyParsing(content: Record<string, MediaType>, formSchema: unknown): Koa.Middleware {
  const mediaTypes = Object.keys(content);
  const refusal = (mediaType: string) =>
    new HttpError(415, 'unsupported_media_type', `Unsupported media type "${mediaType || 'none'}"; send ${mediaTypes.join(' or ')}.`);
  return async (ctx, next) => {
    if (!hasBody(ctx)) {
      await next();
      return;
    }
    const mediaType = (ctx.request.type || '').toLowerCase();
    if (!mediaTypes.includes(mediaType)) throw refusal(mediaType);
    if (mediaType !== 'multipart/form-data') {
      await parseBody(ctx, next);
      return;
    }
    await parseBody(ctx, async () => {
      coerceFormFields(ctx.request.body, formSchema);
      try {
        await next();
      } finally {
        // Uploaded files are temporary whatever the answer was (also a 400, 401 or 403 that never
        // reached a handler); a handler that keeps an image has copied it to the media store.
        await removeUploadedFiles(ctx);
      }
    });
  };
}

async function removeUploadedFiles(ctx: Koa.Context): Promise<void> {
  const files = Object.values(ctx.request.files ?? {}).flat();
  await Promise.all(files.map((file) => rm(file.filepath, { force: true })));
}

/**
 * A body is validated against the operation's JSON schema whatever its media type (see
 * bodySchemaOf), and form fields are always text. Numbers and booleans written as text are turned into
 * the JSON schema's types here, so one schema (with its bounds and messages) judges both media
 * types. Text that is not a number stays text and fails validation with the usual message.
 */
function coerceFormFields(body: unknown, schema: unknown): void {
  if (!body || typeof body !== 'object') return;
  const properties = ((schema ?? {}) as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  const fields = body as Record<string, unknown>;
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') continue;
    const type = properties[name]?.type;
    if ((type === 'integer' || type === 'number') && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) fields[name] = Number(value);
    else if (type === 'boolean' && (value === 'true' || value === 'false')) fields[name] = value === 'true';
  }
}
