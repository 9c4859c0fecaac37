// What handlers reach the outside world through: configuration, the database, the logger and the
// integration adapters. Built once, by createServices, for the server, the tests and the scripts.
import type { Knex } from 'knex';
import { createMailer, type Mailer } from './accounts/mailer.js';
import { createMediaStore, type MediaStore } from './catalogue/media/media-store.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { createStripeGateway, type StripeGateway } from './payments/stripe-gateway.js';

export interface Services {
  config: Config;
  db: Knex;
  log: Logger;
  /** Outgoing mail (verification, password reset): SMTP_URL, or the log without it. */
  mailer: Mailer;
  /** Product images: Cloudinary when configured, the local media directory otherwise. */
  media: MediaStore;
  /** Stripe Checkout; undefined without STRIPE_SECRET_KEY (card checkout is then refused with 503). */
  stripe: StripeGateway | undefined;
}

export interface ServiceOptions {
  /** Automatic retries of Stripe requests (the SDK's default when unset; tests use 0). */
  stripeNetworkRetries?: number;
}

export function createServices(config: Config, db: Knex, log: Logger, options: ServiceOptions = {}): Services {
  return {
    config,
    db,
    log,
    mailer: createMailer(config, log),
    media: createMediaStore(config),
    stripe: createStripeGateway(
      config,
      options.stripeNetworkRetries === undefined ? {} : { maxNetworkRetries: options.stripeNetworkRetries },
    ),
  };
}
