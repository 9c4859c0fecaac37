// Answers for a request the server cannot serve now, though nothing is wrong with it: 503 with
// Retry-After, in a bounded time. Generic: what counts as "unavailable" (the database's connection
// failures) is the application's to say.
import type Koa from 'koa';
import { HttpError, serviceUnavailable } from './errors.js';

export interface OutageOptions {
  /** Whether a failure means a dependency is unavailable (then 503) rather than a bug (then 500). */
  isUnavailable(error: unknown): boolean;
  /** The time from a request's arrival (its body's, if it has one) to its answer; a request still unanswered then gets 503. */
  responseTimeoutMs: number;
  /** What Retry-After tells the client. */
  retryAfterSeconds: number;
}

/**
 * A failure of a dependency becomes 503 with Retry-After; a request that takes longer than
 * responseTimeoutMs is answered 503 then. Its handler is not stopped (JavaScript cannot stop it):
 * it finishes or fails on its own, bounded by the database's statement timeout, and a write it
 * makes is one transaction, so it is either whole or absent. Whatever it sets on the response
 * afterwards is ignored (Koa has sent the answer).
 */
export function outageHandling(options: OutageOptions): Koa.Middleware {
  return async (ctx, next) => {
    let timer: NodeJS.Timeout | undefined;
    let expire: (error: Error) => void = () => undefined;
    const expired = new Promise<never>((_, reject) => (expire = reject));
    const arm = () => {
      timer = setTimeout(
        () => expire(serviceUnavailable('The server could not answer in time. Try again shortly.', options.retryAfterSeconds)),
        options.responseTimeoutMs,
      );
    };
    // The clock starts once the body has arrived: a large upload over a slow line is the client's
    // time (bounded by the HTTP server's own request timeout), not the server's. A body is
    // read by the operation's parser; until then 'end' has not been emitted.
    const request = ctx.req;
    const bodyPending =
      !request.complete && (Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined);
    if (bodyPending) request.once('end', arm);
    else arm();
    try {
      await Promise.race([next(), expired]);
    } catch (error) {
      if (error instanceof HttpError || !options.isUnavailable(error)) throw error;
      ctx.state.log.warn({ err: error }, 'database unavailable');
      throw serviceUnavailable('The database is unavailable. Try again shortly.', options.retryAfterSeconds);
    } finally {
      if (bodyPending) request.off('end', arm);
      clearTimeout(timer);
    }
  };
}
