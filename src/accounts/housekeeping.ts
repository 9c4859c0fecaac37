// The accounts' part of the server's housekeeping: the sessions and e-mailed tokens tables hold
// what people can still use, rather than every login and every link ever made.
import type { Knex } from 'knex';
import { LoginSession } from './login-session.model.js';
import { OneTimeToken } from './one-time-token.model.js';

/** Forgets ended login sessions (with their refresh tokens) and expired e-mail tokens; answers how many sessions went. */
export async function forgetEndedSessions(db: Knex): Promise<number> {
  const sessions = await LoginSession.pruneEnded(db);
  await OneTimeToken.pruneExpired(db);
  return sessions;
}
