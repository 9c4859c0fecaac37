// What every operation is given: the services it reaches the outside world through (configuration,
// the database, the logger, the integration adapters) and the signed-in user it acts for. Built
// once, by createServices, for the server, the tests and the scripts. Only adapters are named
// here, never a domain module, so every domain can depend on this file.
import type { Knex } from 'knex';
import type { components } from '../generated/openapi.js';
import type { Config } from './config.js';
import type { OperationTable as HttpOperationTable } from './http/operation.js';
import type { Logger } from './log.js';
import { createMailer, type Mailer } from './mail/mailer.js';
import { CloudinaryMediaStore } from './media/cloudinary-store.js';
import { LocalMediaStore } from './media/local-store.js';
import type { MediaStore } from './media/media-store.js';
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

/**
 * The user a request is authenticated as: exactly the columns the API shows of a user (the spec's
 * User), so the two cannot drift apart.
 */
export type SessionUser = components['schemas']['User'];

/** This application's operation table: every handler gets these services and this user. */
export type OperationTable = HttpOperationTable<{ services: Services; user: SessionUser }>;

export interface ServiceOptions {
  /** Automatic retries of Stripe requests (the SDK's default when unset; tests use 0). */
  stripeNetworkRetries?: number;
}

export function createMediaStore(config: Pick<Config, 'cloudinary' | 'dataDir'>): MediaStore {
  return config.cloudinary ? new CloudinaryMediaStore(config.cloudinary) : new LocalMediaStore(config.dataDir);
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
