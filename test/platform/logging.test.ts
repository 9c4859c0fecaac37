// Structured JSON logs whose every line carries the request id of the request that caused it (not
// only the access line), and start-up refusing a handler table that disagrees with the spec.
import { expect } from 'chai';
import knexFactory from 'knex';
import { pino } from 'pino';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, operations } from '../../src/app.js';
import { createServices, type OperationTable, type Services } from '../../src/services.js';
import { Client } from '../support/client.js';
import { serverForSuite } from '../support/server.js';

type LogLine = Record<string, unknown>;

/** The suite's app, rebuilt around a logger that keeps every JSON line it writes. */
async function listen(services: Services, table: OperationTable = operations) {
  const lines: LogLine[] = [];
  const log = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  const { koa } = await createApp(createServices(services.config, services.db, log), table);
  const server: Server = await new Promise((resolve) => {
    const listening = koa.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    lines,
    client: new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {}, services.config.frontendOrigins[0]),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Waits for the lines a request logs after its answer (mail is sent after the response). */
async function settle(lines: LogLine[], count: number): Promise<void> {
  for (let tries = 0; lines.length < count && tries < 100; tries += 1) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('logs and the handler table', () => {
  const suite = serverForSuite();

  it('puts the request id on every line a request logs: the access line and what the handler logs', async () => {
    // Registration without SMTP_URL writes the verification mail to the log: a handler's own line.
    const app = await listen(suite.server.services);
    try {
      const requestId = 'trace-register-0001';
      const email = `log-${Date.now()}@example.com`;
      const answer = await app.client.post(
        '/api/auth/register/',
        { email, password: 'correct-horse-9' },
        { headers: { 'x-request-id': requestId } },
      );
      expect(answer.status).to.equal(201);
      await settle(app.lines, 2);
      const mail = app.lines.find((line) => line.msg === 'mail not sent (SMTP_URL is not set); written to the log instead');
      expect(mail, JSON.stringify(app.lines)).to.not.equal(undefined);
      expect(app.lines.find((line) => line.msg === 'request')).to.deep.include({ requestId, method: 'POST', status: 201 });
      for (const line of app.lines) expect(line, JSON.stringify(line)).to.have.property('requestId', requestId);
    } finally {
      await app.close();
    }
  });

  it('carries the request id on the warning of a failed health check too', async () => {
    const unreachable = knexFactory({
      client: 'pg',
      connection: 'postgres://postgres@127.0.0.1:1/none',
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 2000,
      log: { error() {}, warn() {} },
    });
    const app = await listen({ ...suite.server.services, db: unreachable });
    try {
      const answer = await app.client.get('/healthz', { headers: { 'x-request-id': 'trace-health-0001' } });
      expect(answer.status).to.equal(503);
      expect(app.lines.map((line) => line.msg)).to.deep.equal(['health check: database unreachable', 'request']);
      for (const line of app.lines) expect(line, JSON.stringify(line)).to.have.property('requestId', 'trace-health-0001');
    } finally {
      await app.close();
      await unreachable.destroy();
    }
  });

  // The type check refuses such a table in the source; this is the guard for one built at run time.
  it('refuses to start when the handler table and openapi.yaml disagree, naming the operations', async () => {
    const { listProducts: _dropped, ...withoutOne } = operations;
    let refusal: unknown;
    await createApp(suite.server.services, withoutOne as Partial<OperationTable> as OperationTable).catch(
      (error: unknown) => (refusal = error),
    );
    expect(String(refusal)).to.include('openapi.yaml and the handlers disagree: no handler for listProducts');
    refusal = undefined;
    await createApp(suite.server.services, { ...operations, sellEverything: operations.getHealth } as OperationTable).catch(
      (error: unknown) => (refusal = error),
    );
    expect(String(refusal)).to.include('not in the spec: sellEverything');
  });
});
