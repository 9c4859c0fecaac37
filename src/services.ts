// What handlers reach the outside world through: configuration, the database, the logger and the
// integration adapters. Built once by main.ts (or by the tests, pointed at local servers).
import type { Knex } from 'knex';
import type { Mailer } from './accounts/mailer.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';

export interface Services {
  config: Config;
  db: Knex;
  log: Logger;
  /** Outgoing mail (verification, password reset): SMTP_URL, or the log without it. */
  mailer: Mailer;
}
