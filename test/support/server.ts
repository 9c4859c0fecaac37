// Boots the real app on an ephemeral port against the run's test database. Tests that need other
// settings (limits, integrations pointed at local fake servers) start a server with extra env.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import { createApp, type App } from '../../src/app.js';
import { answerMalformedRequests } from '../../src/http/client-errors.js';
import { createHttpServer } from '../../src/http/server-timeouts.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createServices, type Services } from '../../src/services.js';
import { Client } from './client.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_SECRET = 'test-secret-key-for-the-suite-0123456789';

let database: TestDatabase | undefined;

export async function testDatabase(): Promise<TestDatabase> {
  database ??= await createTestDatabase();
  return database;
}

export async function dropTestDatabase(): Promise<void> {
  await database?.drop();
  database = undefined;
}

export interface TestServer {
  url: string;
  services: Services;
  app: App;
  /** A fresh client (its own cookie jar). */
  client(headers?: Record<string, string>): Client;
  close(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const { db, url: databaseUrl } = await testDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'store-test-'));
  const config = loadConfig({
    SECRET_KEY: TEST_SECRET,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  // No automatic retries in tests: a failure the fake Stripe server is told to give is seen as is.
  const services = createServices(config, db, createLogger(config.logLevel), { stripeNetworkRetries: 0 });
  const app = await createApp(services);
  const server: Server = await new Promise((resolve) => {
    const listening = createHttpServer(app.koa, config.http).listen(0, '127.0.0.1', () => resolve(listening));
  });
  answerMalformedRequests(server, services.log);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    services,
    app,
    client: (headers) => new Client(url, headers, config.frontendOrigins[0]),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SuiteServer {
  server: TestServer;
  /** The server's database (for factories and for checking what a request changed). */
  db: Knex;
}

/**
 * The server of a describe block: started before its first test (with the settings `env` answers
 * then, so they may name local fakes started by earlier hooks) and closed after its last. Its
 * `server` and `db` are there from the block's hooks on.
 */
export function serverForSuite(env: () => Record<string, string> = () => ({})): SuiteServer {
  const suite = {} as SuiteServer;
  before(async () => {
    suite.server = await startServer(env());
    suite.db = suite.server.services.db;
  });
  after(() => suite.server.close());
  return suite;
}
