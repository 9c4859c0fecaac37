import { serviceUnavailable } from '../http/errors.js';
import type { OperationTable } from '../services.js';

export const healthOperations = {
  getHealth: {
    async handle({ services, log }) {
      try {
        await services.db.raw('select 1');
      } catch (error) {
        // The request's logger: the warning carries the request id, like every line of a request.
        log.warn({ err: error }, 'health check: database unreachable');
        throw serviceUnavailable('The database is unreachable.');
      }
      return { status: 200, body: { status: 'ok', database: 'ok' }, headers: { 'Cache-Control': 'no-store' } };
    },
  },
} satisfies Partial<OperationTable>;
