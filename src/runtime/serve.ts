// One serving process: the API on PORT, the housekeeping chores, and a graceful stop. It is the
// whole server on the embedded database, and each worker of the cluster on PostgreSQL.
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import { forgetEndedSessions } from '../accounts/housekeeping.js';
import { createApp } from '../app.js';
import type { Config } from '../config.js';
import { answerMalformedRequests } from '../http/client-errors.js';
import { createHttpServer } from '../http/server-timeouts.js';
import type { Logger } from '../log.js';
import { sweepAbandonedCheckouts } from '../orders/payment-sweeper.js';
import { startHousekeeping } from '../platform/housekeeping.js';
import { createServices } from '../services.js';
import { instrumentPool } from './metrics.js';
import { drainable } from './shutdown.js';

export interface Serving {
  server: Server;
  /** Stops gracefully (see shutdown.ts) and closes the pool; false when requests had to be cut off. */
  stop(): Promise<boolean>;
}

export async function serve(config: Config, db: Knex, log: Logger): Promise<Serving> {
  const services = createServices(config, db, log);
  instrumentPool(db);
  const { koa } = await createApp(services);
  const server = createHttpServer(koa, config.http);
  const draining = drainable(server);
  answerMalformedRequests(server, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  log.info({ port: config.port, docs: `http://localhost:${config.port}/api/docs` }, 'store backend listening');

  const stopHousekeeping = startHousekeeping(services, [
    { name: 'settle abandoned checkouts', run: sweepAbandonedCheckouts },
    { name: 'forget ended sessions', run: ({ db }) => forgetEndedSessions(db) },
  ]);

  return {
    server,
    async stop() {
      const [finished] = await Promise.all([draining.close(config.shutdownTimeoutSeconds * 1000), stopHousekeeping()]);
      await db.destroy();
      return finished;
    },
  };
}
