// Prometheus metrics (prom-client). Each server process counts its own requests (by the spec's
// operationId and status), their latency, its database pool and its event loop; with several
// workers the primary process asks every worker for its figures and serves their sum (prom-client's
// AggregatorRegistry over the cluster's IPC channel), plus its own count of replaced workers.
// They are served on a port of their own (METRICS_PORT, on 127.0.0.1 unless METRICS_HOST says
// otherwise), never on the API's, and with METRICS_TOKEN set only to `Authorization: Bearer <token>`.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Knex } from 'knex';
import type Koa from 'koa';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, register, Registry } from 'prom-client';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';

const requests = new Counter({
  name: 'http_requests_total',
  help: 'Requests answered, by the operationId of openapi.yaml they were routed to ("none": no route) and status.',
  labelNames: ['operation', 'status'],
});

const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from receiving a request to its answer, by operationId.',
  labelNames: ['operation'],
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/** Counts every request, including the ones refused before or by routing (under `none`). */
export function requestMetrics(): Koa.Middleware {
  return async (ctx, next) => {
    const stopTimer = duration.startTimer();
    try {
      await next();
    } finally {
      const operation = ctx.state.operationId ?? 'none';
      requests.inc({ operation, status: String(ctx.status) });
      stopTimer({ operation });
    }
  };
}

/** knex's connection pool (tarn), as much of it as the metrics read. */
interface Pool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  on(event: 'acquireRequest' | 'acquireSuccess' | 'acquireFail', handler: (eventId: number) => void): void;
}

const pools = new Set<Pool>();

/** The pool's figures by the `state` label they are reported under. */
const POOL_STATES: Record<string, (pool: Pool) => number> = {
  used: (pool) => pool.numUsed(),
  free: (pool) => pool.numFree(),
  waiting: (pool) => pool.numPendingAcquires(),
  opening: (pool) => pool.numPendingCreates(),
};

new Gauge({
  name: 'db_pool_connections',
  help: 'Database pool connections: in use, idle, requests waiting for one, connections being opened.',
  labelNames: ['state'],
  collect() {
    for (const [state, read] of Object.entries(POOL_STATES)) {
      this.set(
        { state },
        [...pools].reduce((total, pool) => total + read(pool), 0),
      );
    }
  },
});

const acquireWait = new Histogram({
  name: 'db_pool_acquire_wait_seconds',
  help: 'How long a query waited for a database connection from the pool.',
  buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
});

/** Reports the pool of `db` (PostgreSQL; the embedded database has no pool to report). */
export function instrumentPool(db: Knex): void {
  const pool = (db.client as { pool?: Pool }).pool;
  if (!pool || pools.has(pool)) return;
  pools.add(pool);
  const waiting = new Map<number, () => void>();
  pool.on('acquireRequest', (eventId) => waiting.set(eventId, acquireWait.startTimer()));
  const settle = (eventId: number) => {
    waiting.get(eventId)?.();
    waiting.delete(eventId);
  };
  pool.on('acquireSuccess', settle);
  pool.on('acquireFail', (eventId) => waiting.delete(eventId));
}

/**
 * In a process that serves requests: Node's own metrics (event-loop lag, heap, RSS, CPU, GC), and
 * in a cluster worker the answer to the primary's requests for this process's figures.
 */
export function startProcessMetrics(inCluster: boolean): void {
  collectDefaultMetrics();
  if (inCluster) new AggregatorRegistry(); // its constructor installs the worker's IPC listener
}

export interface MetricsSource {
  contentType: string;
  render(): Promise<string>;
}

/** This process's metrics (a single-process server: the embedded database). */
export function processMetrics(): MetricsSource {
  return { contentType: register.contentType, render: () => register.metrics() };
}

/** The cluster's: every worker's metrics summed (event-loop lag and the like averaged), and the primary's restarts. */
export function clusterMetrics(): MetricsSource & { workerRestarts: Counter } {
  const aggregator = new AggregatorRegistry();
  const primary = new Registry();
  const workerRestarts = new Counter({
    name: 'cluster_worker_restarts_total',
    help: 'Worker processes that died and were replaced.',
    registers: [primary],
  });
  return {
    contentType: aggregator.contentType,
    workerRestarts,
    render: async () => `${await aggregator.clusterMetrics()}\n${await primary.metrics()}`,
  };
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Serves GET /metrics on the metrics port; resolves once it listens. */
export async function serveMetrics(settings: NonNullable<Config['metrics']>, source: MetricsSource, log: Logger): Promise<Server> {
  const server = createServer((request, response) => {
    const answer = (status: number, text: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers }).end(text);
    };
    if (request.url !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD'))
      return answer(404, 'Not found: GET /metrics\n');
    if (settings.token && !tokenMatches(request.headers.authorization, settings.token)) {
      return answer(401, 'A metrics token is required: Authorization: Bearer <METRICS_TOKEN>\n', { 'WWW-Authenticate': 'Bearer' });
    }
    source.render().then(
      (text) => answer(200, text, { 'Content-Type': source.contentType }),
      (error: unknown) => {
        log.warn({ err: error }, 'metrics: collecting them failed');
        answer(503, 'The metrics could not be collected; try again.\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  log.info({ port: settings.port, host: settings.host, token: Boolean(settings.token) }, 'metrics served at /metrics');
  return server;
}
