// Periodic chores of a running server (settling abandoned checkouts, forgetting ended sessions).
// Each chore is idempotent and works in small batches; still, a round runs in one process at a
// time across every server process on the database (cluster workers, other machines): the
// process that takes a PostgreSQL advisory lock runs the round, the others skip it. A round is
// also skipped while this process's previous one is still running.
import type { Knex } from 'knex';
import { isEmbedded } from '../db.js';
import type { Services } from '../services.js';

export interface Chore {
  name: string;
  run(services: Services): Promise<unknown>;
}

/** The advisory lock key of the housekeeping round (any 64-bit number no other code of ours uses). */
const HOUSEKEEPING_LOCK = 7_100_411_023;

/**
 * Runs `work` if no other process holds the advisory lock `key`, and says whether it ran.
 *
 * The lock is transaction-scoped (pg_try_advisory_xact_lock) and held by a transaction that stays
 * open while `work` runs on the pool's other connections: it is released when the transaction
 * ends, also when the process or its connection dies. A session-level lock (pg_try_advisory_lock
 * ... pg_advisory_unlock) would break behind a transaction-mode pooler such as PgBouncer, which
 * may give the unlock to another server connection than the lock; a transaction keeps its server
 * connection to the end. The embedded database serves a single process, whose one connection the
 * open transaction would take from `work`: there the work just runs.
 */
export async function runExclusively(db: Knex, key: number, work: () => Promise<void>): Promise<boolean> {
  if (isEmbedded(db)) {
    await work();
    return true;
  }
  return db.transaction(async (trx) => {
    const { rows } = (await trx.raw('select pg_try_advisory_xact_lock(?) as locked', [key])) as { rows: { locked: boolean }[] };
    if (!rows[0]?.locked) return false;
    await work();
    return true;
  });
}

/**
 * Runs the chores every `intervalSeconds` until the returned function is called; that function's
 * promise settles when a round in progress has finished.
 */
export function startHousekeeping(services: Services, chores: Chore[], intervalSeconds = 60): () => Promise<void> {
  let round: Promise<void> | undefined;
  const runChores = async () => {
    for (const chore of chores) {
      try {
        await chore.run(services);
      } catch (error) {
        services.log.error({ err: error, chore: chore.name }, 'housekeeping chore failed');
      }
    }
  };
  const timer = setInterval(() => {
    if (round) return;
    round = runExclusively(services.db, HOUSEKEEPING_LOCK, runChores)
      .then(() => undefined)
      .catch((error: unknown) => services.log.error({ err: error }, 'housekeeping round failed'))
      .finally(() => {
        round = undefined;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await round;
  };
}
