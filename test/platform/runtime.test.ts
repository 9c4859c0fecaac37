// The production runtime, run as an operator runs it (`npm start` in a child process). On
// PostgreSQL: WEB_CONCURRENCY workers behind one port, a dead worker replaced, the metrics summed
// over the workers and served only to the token, housekeeping rounds in one process at a time,
// and a SIGTERM under load that fails no request the server had taken. On the embedded database:
// one process, its metrics behind the token too.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import module from 'node:module';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDatabase } from '../../src/db.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { runExclusively } from '../../src/platform/housekeeping.js';
import { specViolations } from '../../testing/spec.js';
import { freePort } from '../support/spawned-server.js';
import {
  descendants,
  isAlive,
  ownPostgresDatabase,
  portAnswers,
  startServerProcess,
  type ServerProcess,
} from '../support/server-process.js';

const METRICS_TOKEN = 'metrics-token-for-the-tests-0123';
const onPostgres = Boolean(process.env.DATABASE_URL);

/**
 * GET on a connection of its own (no keep-alive), the answer checked against openapi.yaml like
 * the test client's: every request is a new connection, so the cluster spreads them over its workers.
 */
function getAlone(url: string, requestPath: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url + requestPath, { agent: false, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body: unknown = text && /json/.test(response.headers['content-type'] ?? '') ? JSON.parse(text) : text;
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') headers.set(name, value);
        specViolations({ method: 'GET', path: requestPath, status: response.statusCode!, headers, body }).then((problems) => {
          if (problems.length) reject(new Error(`response not allowed by openapi.yaml:\n${problems.join('\n')}`));
          else resolve({ status: response.statusCode!, body });
        }, reject);
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

async function scrape(port: number, token?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, text: await response.text() };
}

/** The value of one series in Prometheus text, e.g. `http_requests_total{operation="listProducts",status="200"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the production runtime on PostgreSQL: workers, metrics, graceful shutdown', function () {
  this.timeout(300_000);
  let database: Awaited<ReturnType<typeof ownPostgresDatabase>>;
  let server: ServerProcess;
  let metricsPort: number;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'runtime-'));

  /** Where src/main.ts keeps Node's compile cache of the compiled server (see there). */
  const compileCache = path.join(PROJECT_ROOT, 'dist', '.compile-cache');

  before(async function () {
    if (!onPostgres) this.skip();
    rmSync(compileCache, { recursive: true, force: true });
    database = await ownPostgresDatabase();
    metricsPort = await freePort();
    server = await startServerProcess(
      {
        DATABASE_URL: database.url,
        SECRET_KEY: 'runtime-test-secret-key-0123456789',
        DATA_DIR: dataDir,
        WEB_CONCURRENCY: '2',
        SHUTDOWN_TIMEOUT: '20',
        METRICS_PORT: String(metricsPort),
        METRICS_TOKEN,
      },
      { ready: 'all set: workers serving' },
    );
  });

  after(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      for (const pid of descendants(server.child.pid!)) process.kill(pid, 'SIGKILL');
    }
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the migrations and the seed once, in the primary, before two workers serve', async () => {
    // Each worker's own line comes through a pipe of its own, possibly after the primary's.
    const listening = /"worker":\d+,"port":\d+,.*"msg":"store backend listening"/g;
    await until(() => (server.output().match(listening) ?? []).length >= 2, 'both workers to say they listen');
    const output = server.output();
    expect(output.match(/migrations applied/g)).to.have.length(1);
    expect(output.match(/Catalogue import from products\.json/g)).to.have.length(1);
    expect(output.match(listening)).to.have.length(2);
  });

  it('counts requests by operationId over every worker, and shows the metrics only to METRICS_TOKEN', async () => {
    const before = await scrape(metricsPort, METRICS_TOKEN);
    const series = 'http_requests_total{operation="listProducts",status="200"}';
    const counted = sample(before.text, series) ?? 0;
    for (let index = 0; index < 6; index += 1) expect((await getAlone(server.url, '/api/products/?limit=2')).status).to.equal(200);
    expect((await getAlone(server.url, '/api/no-such-thing/')).status).to.equal(404);

    const after = await scrape(metricsPort, METRICS_TOKEN);
    expect(after.status).to.equal(200);
    expect(sample(after.text, series)).to.equal(counted + 6);
    expect(sample(after.text, 'http_requests_total{operation="none",status="404"}')).to.be.at.least(1);
    expect(after.text).to.match(/^http_request_duration_seconds_bucket\{le="[^"]+",operation="listProducts"\} \d+/m);
    for (const state of ['used', 'free', 'waiting', 'opening']) {
      expect(after.text).to.match(new RegExp(`^db_pool_connections\\{state="${state}"\\} \\d+`, 'm'));
    }
    // The connections those requests used are back in the pools, and every query waited for one.
    expect(sample(after.text, 'db_pool_connections{state="free"}')).to.be.at.least(1);
    expect(sample(after.text, 'db_pool_acquire_wait_seconds_count')).to.be.at.least(6);
    expect(after.text).to.match(/^nodejs_eventloop_lag_seconds /m);
    expect(sample(after.text, 'cluster_worker_restarts_total')).to.equal(0);
    // Both workers served some of those requests: the sum above is over the cluster.
    const servedBy = new Set(
      [...server.output().matchAll(/"worker":(\d+),"requestId"[^\n]*"path":"\/api\/products\/"/g)].map((match) => match[1]),
    );
    expect(servedBy.size).to.equal(2);

    expect((await scrape(metricsPort)).status).to.equal(401);
    expect((await scrape(metricsPort, 'not-the-metrics-token-at-all-000')).status).to.equal(401);
    expect((await scrape(metricsPort, 'not-the-metrics-token-at-all-000')).text).not.to.include('http_requests_total');
  });

  it('keeps the compiled code of its modules in dist/.compile-cache for the next start (Node 22.10 and later)', async function () {
    if (!('flushCompileCache' in module)) this.skip();
    // Written by each process once it serves: a file per module compiled, hundreds (the dependencies too).
    await until(() => readdirSync(compileCache, { recursive: true }).length > 100, 'the compile cache to be written');
  });

  it("caps each worker's young generation (V8 would size it by the machine's memory)", async () => {
    const workers = descendants(server.child.pid!).slice(-2);
    for (const worker of workers) {
      expect(readFileSync(`/proc/${worker}/cmdline`, 'utf8').split('\0')).to.include('--max-semi-space-size=16');
    }
    // Load grows the young generation towards its maximum: 32 MB a worker with the cap
    // (src/runtime/worker-flags.ts), up to 128 MB without it.
    await Promise.all(Array.from({ length: 400 }, () => getAlone(server.url, '/api/products/')));
    const scraped = await scrape(metricsPort, METRICS_TOKEN);
    const youngGeneration = sample(scraped.text, 'nodejs_heap_space_size_total_bytes{space="new"}');
    expect(youngGeneration, 'the summed young generation of the two workers').to.be.a('number').and.to.be.greaterThan(0);
    expect(youngGeneration).to.be.at.most(2 * 32 * 1024 * 1024);
  });

  it('replaces a worker that dies, logs it and counts it, and keeps serving', async () => {
    const workers = descendants(server.child.pid!).slice(-2);
    process.kill(workers[0]!, 'SIGKILL');
    await until(() => server.output().includes('worker died; replacing it'), 'the replacement');
    await until(() => /"worker":3,"port":\d+/.test(server.output()), 'the new worker to listen');
    expect(sample((await scrape(metricsPort, METRICS_TOKEN)).text, 'cluster_worker_restarts_total')).to.equal(1);
    for (let index = 0; index < 4; index += 1) expect((await getAlone(server.url, '/api/products/?limit=1')).status).to.equal(200);
  });

  it('on SIGTERM under load answers every request it has taken, then exits 0 with nothing left running', async () => {
    const tree = descendants(server.child.pid!);
    // Requests in flight at the signal: logins whose bodies arrive only after it (on connections kept
    // alive: the answer must also tell the client to close them).
    const slowBodies = [0, 1, 2, 3].map((index) => JSON.stringify({ email: `slow-${index}@example.com`, password: 'not-the-password' }));
    const slow = slowBodies.map((body) => {
      const socket = connect(server.port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      const ended = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
      socket.write(
        `POST /api/auth/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      );
      socket.write(body.slice(0, 10));
      return { socket, rest: body.slice(10), ended };
    });

    // Load: 8 clients asking one after another, each request on a new connection, until the
    // server takes no more connections. A connection refused, or reset before the server read a
    // request from it (one the listening socket had queued when it closed), ends a client; every
    // request the server did read must be answered, which the server's own log of answered
    // requests shows below.
    // Each request carries an id of its own (X-Request-Id, which the workers log), so the answers
    // the workers logged can be matched one for one with those the clients received.
    const outcomes = { answered: [] as string[], endedAtConnect: 0, failed: [] as string[] };
    const client = async (clientIndex: number) => {
      for (let index = 0; ; index += 1) {
        const requestId = `shutdown-load-${clientIndex}-${index}`;
        try {
          const { status } = await getAlone(server.url, '/api/products/?limit=5', { 'x-request-id': requestId });
          if (status === 200) outcomes.answered.push(requestId);
          else outcomes.failed.push(`status ${status}`);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ECONNREFUSED' || code === 'ECONNRESET') {
            outcomes.endedAtConnect += 1;
            return;
          }
          outcomes.failed.push(String(code ?? error));
          if (!isAlive(server.child.pid!)) return;
        }
      }
    };
    const clients = Array.from({ length: 8 }, (_, clientIndex) => client(clientIndex));
    await until(() => outcomes.answered.length >= 40, 'the load to be under way');

    process.kill(server.child.pid!, 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const { socket, rest } of slow) socket.write(rest);

    const answers = await Promise.all(slow.map(({ ended }) => ended));
    await Promise.all(clients);
    expect(await server.exited, server.output()).to.equal(0);

    for (const answer of answers) {
      // The login's whole answer (wrong credentials are a 400 here, as in the original backend).
      expect(answer).to.match(/^HTTP\/1\.1 400 /);
      expect(answer).to.match(/\r\n\r\n\{"error":"Invalid credentials"/);
      expect(answer).to.match(/\r\nConnection: close\r\n/i);
    }
    expect(outcomes.failed, 'requests that failed').to.deep.equal([]);
    expect(outcomes.answered.length).to.be.greaterThan(40);
    expect(outcomes.endedAtConnect).to.equal(8);
    // Every list request a worker read was answered, and received: the ids of the answers in the
    // workers' log are those the clients got. (The primary logs its last line after the workers
    // have exited, so by then every line of theirs has come through the pipe.)
    await until(() => server.output().includes('all workers stopped'), 'the last line of the log');
    const served = [
      ...server
        .output()
        .matchAll(/"requestId":"(shutdown-load-[^"]+)"[^\n]*"path":"\/api\/products\/","status":200,[^\n]*"msg":"request"/g),
    ].map((match) => match[1]);
    expect(served.sort(), 'answers the workers logged and the clients never got (or the reverse)').to.deep.equal(
      [...outcomes.answered].sort(),
    );
    await until(() => !tree.some(isAlive), 'every process to end', 10_000);
    expect(await portAnswers(server.port)).to.equal(false);
  });
});

describe('housekeeping: one process at a time across processes', () => {
  it('runs the work where the advisory lock was taken, and skips it where it was not until then', async function () {
    if (!onPostgres) this.skip();
    const database = await ownPostgresDatabase();
    // Two pools: to PostgreSQL, two processes.
    const first = createDatabase({ databaseUrl: database.url });
    const second = createDatabase({ databaseUrl: database.url });
    try {
      let release!: () => void;
      let entered!: () => void;
      const holding = new Promise<void>((resolve) => (release = resolve));
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const running = runExclusively(first, 4242, async () => {
        entered();
        await holding;
      });
      await inside;
      let ranElsewhere = false;
      expect(await runExclusively(second, 4242, async () => void (ranElsewhere = true))).to.equal(false);
      expect(ranElsewhere).to.equal(false);
      release();
      expect(await running).to.equal(true);
      expect(await runExclusively(second, 4242, async () => void (ranElsewhere = true))).to.equal(true);
      expect(ranElsewhere).to.equal(true);
    } finally {
      await Promise.all([first.destroy(), second.destroy()]);
      await database.drop();
    }
  });
});

describe('the production runtime on the embedded database: one process, its metrics behind the token', function () {
  this.timeout(300_000);

  it('serves its metrics on METRICS_PORT to METRICS_TOKEN only, with requests counted by operationId', async function () {
    if (onPostgres) this.skip();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'runtime-embedded-'));
    const metricsPort = await freePort();
    const server = await startServerProcess({ DATA_DIR: dataDir, WEB_CONCURRENCY: '4', METRICS_PORT: String(metricsPort), METRICS_TOKEN });
    try {
      expect(server.output()).to.include('WEB_CONCURRENCY ignored');
      expect(descendants(server.child.pid!)).to.have.length(1);
      for (let index = 0; index < 3; index += 1) expect((await getAlone(server.url, '/api/products/?limit=1')).status).to.equal(200);
      const scraped = await scrape(metricsPort, METRICS_TOKEN);
      expect(scraped.status).to.equal(200);
      expect(sample(scraped.text, 'http_requests_total{operation="listProducts",status="200"}')).to.equal(3);
      expect((await scrape(metricsPort)).status).to.equal(401);
      expect((await scrape(metricsPort, `${METRICS_TOKEN}x`)).status).to.equal(401);
    } finally {
      process.kill(server.child.pid!, 'SIGTERM');
      expect(await server.exited).to.equal(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
