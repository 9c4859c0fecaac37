// What handlers reach the outside world through: configuration, the database, the logger and the
// integration adapters. Built once by main.ts (or by the tests, pointed at local servers).
import type { Knex } from 'knex';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import type { StripeGateway } from './payments/stripe-gateway.js';

export interface Services {
  config: Config;
  db: Knex;
  log: Logger;
  /** Stripe Checkout; undefined without STRIPE_SECRET_KEY (card checkout is then refused with 503). */
  stripe: StripeGateway | undefined;
}
