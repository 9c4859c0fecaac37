import { serviceUnavailable } from '../http/errors.js';
import type { OperationTable } from '../services.js';

/** Retry-After of the 503 while the database is unreachable (as the API's other answers then). */
const DATABASE_RETRY_AFTER_SECONDS = 5;

export const healthOperations = {
  getHealth: {
    async handle({ services, log }) {
      try {
        await services.db.raw('select 1');
      } catch (error) {
        // The request's logger: the warning carries the request id, like every line of a request.
        log.warn({ err: error }, 'health check: database unreachable');
        throw serviceUnavailable('The database is unreachable.', DATABASE_RETRY_AFTER_SECONDS);
      }
      return { status: 200, body: { status: 'ok', database: 'ok' }, headers: { 'Cache-Control': 'no-store' } };
    },
  },
} satisfies Partial<OperationTable>;
