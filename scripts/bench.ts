// `npm run bench`: throughput and latency of the whole server (as a separate process, so its RSS
// is its own) beside bare node:http + pg servers answering the product list with the same JSON
// (the yardstick runs the application's own statement; a second one reads rows the plain way: see
// scripts/bench-bare-server.ts), in one run, on a database of its own on the local PostgreSQL (created and dropped here).
// Scenarios: the product list (the 48 products of products.json), one product, add to cart (a
// signed-in user per connection), cash-on-delivery orders racing for one hot product, and at
// 100,000 products (scripts/generate-catalogue.ts) page 1 of the list and a search. Each: req/s,
// p50, p99, non-2xx answers, socket errors, peak RSS of the server; throughput also as a ratio of
// the bare server's. Writes a Markdown table and an SVG chart (docs/bench/ by default).
//
//   npm run bench -- [--duration 12] [--turns 3] [--connections 32] [--workers 1] [--skip-large] [--out docs/bench]
//   npm run bench -- --base-url https://api.example.com   (a running deployment: the read-only
//     scenarios; beside a local bare server only when DATABASE_URL is given)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';

/**
 * How the server under test is started (from the repository root, with PORT and DATABASE_URL
 * set): as `npm start` runs it, compiled JavaScript under node (WEB_CONCURRENCY from --workers).
 * The bare server and the generator run through tsx: they are the yardstick's code, not the
 * project's (tsx adds its loader to the bare server's RSS).
 */
const SERVER_COMMAND = [process.execPath, 'dist/src/main.js'];
/** What `npm start` runs first: compiles dist/ when it is missing or older than the sources. */
const BUILD_COMMAND = [process.execPath, 'scripts/build.mjs', '--if-stale'];
const BARE_SERVER_COMMAND = [process.execPath, '--import', 'tsx', 'scripts/bench-bare-server.ts'];
const GENERATE_CATALOGUE_COMMAND = [process.execPath, '--import', 'tsx', 'scripts/generate-catalogue.ts'];

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '12' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    // One process, like the bare server: the ratios compare code paths, not how many cores each uses.
    workers: { type: 'string', default: '1' },
    turns: { type: 'string', default: '3' },
    'base-url': { type: 'string' },
    'admin-url': { type: 'string', default: process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
    'large-count': { type: 'string', default: '100000' },
    'skip-large': { type: 'boolean', default: false },
    out: { type: 'string', default: 'docs/bench' },
    note: { type: 'string', default: '' },
  },
});
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const connections = Number(values.connections);
const turns = Number(values.turns);
const largeCount = Number(values['large-count']);

const ADDRESS = {
  full_name: 'Bench Shopper',
  phone: '9876543210',
  street: '12 MG Road, Indiranagar',
  city: 'Bengaluru',
  pincode: '560038',
};
const PLENTY = 1_000_000;

/**
 * Who answered: `bare` is the yardstick (node:http + pg running the application's own statement),
 * `plain` a bare server reading rows and serializing them in Node, `app` this project.
 */
type Target = 'bare' | 'plain' | 'app';

const SERVER_NAMES: Record<Target, string> = {
  bare: 'bare node:http + pg, same statement',
  plain: 'bare node:http + pg, rows → JSON.stringify',
  app: 'this project',
};
const SHORT_NAMES: Record<Target, string> = { bare: ' (bare)', plain: ' (bare, plain)', app: '' };

interface Measurement {
  scenario: string;
  target: Target;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  socketErrors: number;
  peakRssMb: number | undefined;
  /** The largest single process of the tree (a cluster worker, beside its primary). */
  peakProcessRssMb: number | undefined;
  /**
   * That process's private memory (what it alone holds): its RSS without the pages it shares with
   * other processes, mostly the node executable's code, which every node process on the machine
   * maps from the same file (about 50 MB resident).
   */
  peakProcessPrivateMb: number | undefined;
  /** Server CPU time per answered request: unlike req/s, barely moved by other work on the machine. */
  cpuMsPerRequest: number | undefined;
}

// ---------------------------------------------------------------- processes

interface Child {
  process: ChildProcess;
  url: string;
  stderr: () => string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function start(command: string[], env: Record<string, string>, readyPath: string): Promise<Child> {
  const port = await freePort();
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, ...env, PORT: String(port) },
    // The access log goes nowhere: what is measured is producing it, not storing it.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited with ${child.exitCode}:\n${stderr}`);
    try {
      if ((await fetch(url + readyPath)).ok) return { process: child, url, stderr: () => stderr };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${command.join(' ')} did not answer ${readyPath} within 120 s:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stop(child: Child | undefined): Promise<void> {
  if (!child || child.process.exitCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function run(command: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command.join(' ')} exited with ${code}`))));
  });
}

/** A process and its descendants (cluster workers count too). */
function processTree(pid: number): number[] {
  const tree = [pid];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) tree.push(...processTree(Number(child)));
    }
  } catch {
    // gone, or not Linux
  }
  return tree;
}

/** A figure of /proc/<pid>/smaps_rollup or /proc/<pid>/status, in bytes. */
function kilobytes(text: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
}

/** Resident memory of a process tree, and of its largest process: all of it, and its private part; in bytes. */
function treeRss(pid: number): { total: number; largest: number; largestPrivate: number } {
  let total = 0;
  let largest = 0;
  let largestPrivate = 0;
  for (const member of processTree(pid)) {
    try {
      const rss = kilobytes(readFileSync(`/proc/${member}/status`, 'utf8'), 'VmRSS');
      total += rss;
      if (rss <= largest) continue;
      largest = rss;
      const rollup = readFileSync(`/proc/${member}/smaps_rollup`, 'utf8');
      largestPrivate = kilobytes(rollup, 'Private_Clean') + kilobytes(rollup, 'Private_Dirty');
    } catch {
      // gone
    }
  }
  return { total, largest, largestPrivate };
}

/** CPU time (user + system) a process tree has used so far, in milliseconds (Linux counts in 1/100 s). */
function treeCpuMs(pid: number): number {
  let ticks = 0;
  for (const member of processTree(pid)) {
    try {
      // The fields after the command name (which may hold spaces) start with the state: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${member}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks * 10;
}

// ---------------------------------------------------------------- load

interface Scenario {
  name: string;
  target: Target;
  url: string;
  pid?: number | undefined;
  requests: autocannon.Request[];
}

async function load(scenario: Scenario, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url: scenario.url, connections, duration: seconds, requests: scenario.requests });
}

interface Round {
  result: autocannon.Result;
  peakRss: number;
  peakProcessRss: number;
  peakProcessPrivate: number;
  cpuMs: number | undefined;
}

async function round(scenario: Scenario, seconds: number): Promise<Round> {
  let peakRss = 0;
  let peakProcessRss = 0;
  let peakProcessPrivate = 0;
  const sample = () => {
    if (!scenario.pid) return;
    const rss = treeRss(scenario.pid);
    peakRss = Math.max(peakRss, rss.total);
    peakProcessRss = Math.max(peakProcessRss, rss.largest);
    peakProcessPrivate = Math.max(peakProcessPrivate, rss.largestPrivate);
  };
  const sampler = setInterval(sample, 100);
  sample();
  const cpuBefore = scenario.pid ? treeCpuMs(scenario.pid) : 0;
  const result = await load(scenario, seconds).finally(() => clearInterval(sampler));
  return { result, peakRss, peakProcessRss, peakProcessPrivate, cpuMs: scenario.pid ? treeCpuMs(scenario.pid) - cpuBefore : undefined };
}

const median = (numbers: number[]) => [...numbers].sort((a, b) => a - b)[Math.floor((numbers.length - 1) / 2)]!;

function summary(scenario: Scenario, rounds: Round[]): Measurement {
  const requests = rounds.reduce((sum, r) => sum + r.result.requests.total, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.result.duration, 0);
  const cpuMs = scenario.pid ? rounds.reduce((sum, r) => sum + (r.cpuMs ?? 0), 0) : undefined;
  const measurement: Measurement = {
    scenario: scenario.name,
    target: scenario.target,
    requestsPerSecond: requests / seconds,
    p50: median(rounds.map((r) => r.result.latency.p50)),
    p99: median(rounds.map((r) => r.result.latency.p99)),
    non2xx: rounds.reduce((sum, r) => sum + r.result.non2xx, 0),
    socketErrors: rounds.reduce((sum, r) => sum + r.result.errors + r.result.timeouts, 0),
    peakRssMb: scenario.pid ? Math.max(...rounds.map((r) => r.peakRss)) / 2 ** 20 : undefined,
    peakProcessRssMb: scenario.pid ? Math.max(...rounds.map((r) => r.peakProcessRss)) / 2 ** 20 : undefined,
    peakProcessPrivateMb: scenario.pid ? Math.max(...rounds.map((r) => r.peakProcessPrivate)) / 2 ** 20 : undefined,
    cpuMsPerRequest: cpuMs === undefined || !requests ? undefined : cpuMs / requests,
  };
  // Which statuses the non-2xx answers were, so an error count says what went wrong.
  const statuses = new Map<string, number>();
  for (const r of rounds) {
    for (const [code, stats] of Object.entries(r.result.statusCodeStats ?? {})) {
      if (!code.startsWith('2')) statuses.set(code, (statuses.get(code) ?? 0) + (stats.count ?? 0));
    }
  }
  const statusNote = statuses.size ? ` (${[...statuses].map(([code, count]) => `${code}: ${count}`).join(', ')})` : '';
  console.log(
    `${`${scenario.name}${SHORT_NAMES[scenario.target]}`.padEnd(48)} ${measurement.requestsPerSecond.toFixed(0).padStart(6)} req/s  ` +
      `p50 ${measurement.p50} ms  p99 ${measurement.p99} ms  non-2xx ${measurement.non2xx}${statusNote}  socket errors ${measurement.socketErrors}` +
      `${measurement.cpuMsPerRequest ? `  CPU ${measurement.cpuMsPerRequest.toFixed(2)} ms/req` : ''}${measurement.peakRssMb ? `  peak RSS ${measurement.peakRssMb.toFixed(0)} MB` : ''}`,
  );
  return measurement;
}

async function measure(scenario: Scenario): Promise<Measurement> {
  if (warmup > 0) await load(scenario, warmup);
  return summary(scenario, [await round(scenario, duration)]);
}

/**
 * Scenarios compared with each other, measured in turns (`--turns` short runs each, alternating),
 * so that other work on the machine weighs on all of them alike. p50 and p99 are the turns' medians.
 */
async function measureInTurns(scenarios: Scenario[]): Promise<Measurement[]> {
  if (warmup > 0) for (const scenario of scenarios) await load(scenario, warmup);
  const rounds: Round[][] = scenarios.map(() => []);
  for (let turn = 0; turn < turns; turn += 1) {
    for (const [index, scenario] of scenarios.entries())
      rounds[index]!.push(await round(scenario, Math.max(1, Math.round(duration / turns))));
  }
  return scenarios.map((scenario, index) => summary(scenario, rounds[index]!));
}

/** One request per call, cycling through `paths` (per connection, from a different start). */
function cycling(paths: string[], extra: Partial<autocannon.Request> = {}): autocannon.Request[] {
  let connection = 0;
  return [
    {
      method: 'GET',
      ...extra,
      setupRequest: (request, state) => {
        const context = state as Record<string, number>;
        context.next ??= (connection += 7) % paths.length;
        const next = context.next;
        context.next = (next + 1) % paths.length;
        return { ...request, path: paths[next]! };
      },
    },
  ];
}

// ---------------------------------------------------------------- the application's data

async function register(base: string, index: number): Promise<string> {
  const response = await fetch(`${base}/api/auth/register/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `bench-${process.pid}-${index}@example.com`,
      password: 'bench-password-123',
      first_name: 'Bench',
      last_name: `User${index}`,
    }),
  });
  if (response.status !== 201) throw new Error(`registering a bench user answered ${response.status}: ${await response.text()}`);
  const access = response.headers.getSetCookie().find((cookie) => cookie.startsWith('access='));
  if (!access) throw new Error('registration set no access cookie');
  return access.slice('access='.length).split(';')[0]!;
}

/**
 * Requests spread over the signed-in users in turn (Bearer: no CSRF check applies): the n-th
 * request is user n mod users' and its body is made from n. (autocannon resets a connection's
 * context after each pass through `requests`, so per-connection state would not survive.)
 */
function perUser(tokens: string[], body: (n: number) => unknown, path: string): autocannon.Request[] {
  let sent = 0;
  return [
    {
      method: 'POST',
      path,
      setupRequest: (request) => {
        const n = sent++;
        return {
          ...request,
          headers: { authorization: `Bearer ${tokens[n % tokens.length]}`, 'content-type': 'application/json' },
          body: JSON.stringify(body(n)),
        };
      },
      onResponse: (status, responseBody) => {
        // The first refusal of a write scenario, so a non-2xx count comes with its reason.
        if (status >= 300 && !refusalShown.has(path)) {
          refusalShown.add(path);
          console.log(`  first non-2xx answer of ${path}: ${status} ${String(responseBody).slice(0, 200)}`);
        }
      },
    },
  ];
}
const refusalShown = new Set<string>();

async function sameJson(a: string, b: string): Promise<void> {
  const [left, right] = await Promise.all([fetch(a).then((r) => r.text()), fetch(b).then((r) => r.text())]);
  if (left !== right)
    throw new Error(`the bare server's list differs from the application's:\n${left.slice(0, 300)}\n${right.slice(0, 300)}`);
}

// ---------------------------------------------------------------- report

function machine(postgres: string): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
  return (
    `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}; ` +
    `Node ${process.version}; ${postgres}; load average at start ${load}`
  );
}

/**
 * Every figure also as a ratio of the bare server's list: throughput as this ÷ bare (higher is
 * better), latency, memory and CPU per request as this ÷ bare (lower is better); throughput also
 * as a ratio of the plain bare server's list.
 */
function table(results: Measurement[]): string {
  const bare = results.find((m) => m.target === 'bare');
  const plain = results.find((m) => m.target === 'plain');
  const times = (value: number | undefined, base: number | undefined, digits = 2) =>
    value === undefined || !base ? '—' : `${(value / base).toFixed(digits)}×`;
  const figure = (value: number | undefined, digits = 0) => (value === undefined ? '—' : value.toFixed(digits));
  const lines = [
    '| scenario | server | req/s | ÷ bare | ÷ plain | p50 ms | ÷ bare | p99 ms | ÷ bare | errors (non-2xx / socket) | peak RSS MB | ÷ bare | largest process MB | its private MB | server CPU ms/req | ÷ bare |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const m of results) {
    lines.push(
      `| ${m.scenario} | ${SERVER_NAMES[m.target]} | ${m.requestsPerSecond.toFixed(0)} | ${times(m.requestsPerSecond, bare?.requestsPerSecond)} | ` +
        `${times(m.requestsPerSecond, plain?.requestsPerSecond)} | ` +
        `${m.p50} | ${times(m.p50, bare?.p50, 1)} | ${m.p99} | ${times(m.p99, bare?.p99, 1)} | ${m.non2xx} / ${m.socketErrors} | ` +
        `${figure(m.peakRssMb)} | ${times(m.peakRssMb, bare?.peakRssMb, 1)} | ${figure(m.peakProcessRssMb)} | ${figure(m.peakProcessPrivateMb)} | ${figure(m.cpuMsPerRequest, 2)} | ${times(m.cpuMsPerRequest, bare?.cpuMsPerRequest, 1)} |`,
    );
  }
  return lines.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Horizontal bars of req/s, labelled with the ratio to the bare server's list; the 0.7 target dashed. */
function chart(results: Measurement[], bareList: number | undefined, caption: string[]): string {
  const width = 860;
  const labelWidth = 300;
  const barArea = width - labelWidth - 150;
  const rowHeight = 30;
  const top = 40;
  const height = top + results.length * rowHeight + 35 + 15 * caption.length;
  const max = Math.max(...results.map((m) => m.requestsPerSecond), 1);
  const x = (rps: number) => labelWidth + (rps / max) * barArea;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">Requests per second (${connections} connections; ratio to the bare node:http + pg list, same statement)</text>`,
  ];
  results.forEach((m, index) => {
    const y = top + index * rowHeight;
    const fill = m.target === 'app' ? '#3367d6' : '#9e9e9e';
    const label = `${m.scenario}${SHORT_NAMES[m.target]}`;
    const ratio = bareList ? ` (${(m.requestsPerSecond / bareList).toFixed(2)}×)` : '';
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end">${escapeXml(label)}</text>`,
      `<rect x="${labelWidth}" y="${y + 5}" width="${Math.max(1, x(m.requestsPerSecond) - labelWidth).toFixed(1)}" height="${rowHeight - 10}" fill="${fill}"/>`,
      `<text x="${(x(m.requestsPerSecond) + 6).toFixed(1)}" y="${y + 18}">${m.requestsPerSecond.toFixed(0)}${ratio}</text>`,
    );
  });
  if (bareList) {
    const target = x(0.7 * bareList).toFixed(1);
    const bottom = top + results.length * rowHeight;
    parts.push(
      `<line x1="${target}" y1="${top}" x2="${target}" y2="${bottom}" stroke="#d93025" stroke-dasharray="5,4"/>`,
      `<text x="${target}" y="${bottom + 16}" text-anchor="middle" fill="#d93025">0.7 × bare list (target for list and detail)</text>`,
    );
  }
  caption.forEach((line, index) =>
    parts.push(`<text x="10" y="${height - 10 - (caption.length - 1 - index) * 15}" font-size="11" fill="#555">${escapeXml(line)}</text>`),
  );
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

// ---------------------------------------------------------------- the run

async function main(): Promise<void> {
  const results: Measurement[] = [];
  const children: Child[] = [];
  // The local PostgreSQL is needed only to create the bench's database (not to measure a deployment).
  const admin = values['base-url'] ? undefined : new pg.Client({ connectionString: values['admin-url'] });
  await admin?.connect();
  const version = admin ? ((await admin.query('SHOW server_version')).rows[0] as { server_version: string }).server_version : undefined;
  const postgres = version ? `PostgreSQL ${version.split(' ')[0]}` : "the deployment's own database";
  const about = machine(postgres) + (values.note ? `; ${values.note}` : '');
  console.log(about);
  const database = `store_bench_${process.pid}`;
  let created = false;
  const stopAll = async () => {
    await Promise.all(children.map(stop));
    if (created) await admin!.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin?.end();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));

  try {
    const baseUrl = values['base-url']?.replace(/\/+$/, '');
    const local = !baseUrl;
    let databaseUrl = process.env.DATABASE_URL;
    if (local) {
      await admin!.query(`CREATE DATABASE ${database}`);
      created = true;
      const url = new URL(values['admin-url']);
      url.pathname = `/${database}`;
      databaseUrl = url.toString();
    }

    let app: Child | undefined;
    if (local) {
      await run(BUILD_COMMAND, {});
      const started = Date.now();
      app = await start(
        SERVER_COMMAND,
        {
          DATABASE_URL: databaseUrl!,
          SECRET_KEY: 'benchmark-only-secret-key-0123456789abcdef',
          DATA_DIR: path.join(os.tmpdir(), database),
          THROTTLE_REGISTER: '100000/1h',
          WEB_CONCURRENCY: values.workers,
          LOG_LEVEL: 'info',
        },
        '/healthz',
      );
      children.push(app);
      console.log(`server started (migrated, seeded) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    const appUrl = baseUrl ?? app!.url;

    let bare: Child | undefined;
    let plain: Child | undefined;
    if (databaseUrl) {
      bare = await start(BARE_SERVER_COMMAND, { DATABASE_URL: databaseUrl, BARE_MODE: 'json' }, '/api/products/');
      children.push(bare);
      plain = await start(BARE_SERVER_COMMAND, { DATABASE_URL: databaseUrl, BARE_MODE: 'rows' }, '/api/products/');
      children.push(plain);
    }

    const db = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 2 }) : undefined;
    try {
      if (db && local) await db.query('UPDATE products SET stock = $1', [PLENTY]);
      const products = (await (await fetch(`${appUrl}/api/products/`)).json()) as Array<{ id: number }>;
      if (!products.length) throw new Error('the catalogue is empty');
      if (bare && local) await sameJson(`${bare.url}/api/products/`, `${appUrl}/api/products/`);
      if (plain && local) await sameJson(`${plain.url}/api/products/`, `${appUrl}/api/products/`);

      // The list and detail are judged against the bare list: measured in turns with it.
      const appPid = app?.process.pid;
      const listName = `product list (${products.length} products)`;
      const listRequest: autocannon.Request[] = [{ method: 'GET', path: '/api/products/' }];
      const compared: Scenario[] = [
        ...(bare ? [{ name: listName, target: 'bare' as const, url: bare.url, pid: bare.process.pid, requests: listRequest }] : []),
        ...(plain ? [{ name: listName, target: 'plain' as const, url: plain.url, pid: plain.process.pid, requests: listRequest }] : []),
        { name: listName, target: 'app', url: appUrl, pid: appPid, requests: listRequest },
        {
          name: 'product detail',
          target: 'app',
          url: appUrl,
          pid: appPid,
          requests: cycling(products.map((p) => `/api/products/${p.id}/`)),
        },
      ];
      results.push(...(await measureInTurns(compared)));

      if (local && db) {
        const tokens: string[] = [];
        for (let index = 0; index < connections; index += 4) {
          tokens.push(...(await Promise.all([0, 1, 2, 3].map((offset) => register(appUrl, index + offset)))));
        }
        // Verified, as a regular customer is: unverified accounts may place only a few COD orders a day.
        await db.query("UPDATE users SET email_verified = true WHERE email LIKE 'bench-%'");
        results.push(
          await measure({
            name: 'add to cart (signed in)',
            target: 'app',
            url: appUrl,
            pid: appPid,
            requests: perUser(
              tokens,
              // Request n is user n mod 32 adding product (n div 32) mod 48: every user adds every
              // product in turn, so the carts' lines fill evenly (32 × 48 × 99 adds before the
              // per-line limit). Earlier versions measured 99-per-line refusals instead.
              (n) => ({ product_id: products[Math.floor(n / tokens.length) % products.length]!.id, quantity: 1 }),
              '/api/cart/add/',
            ),
          }),
        );

        const hot = products[0]!.id;
        const refill = async () =>
          void (await db.query('UPDATE products SET stock = $1 WHERE id = $2 AND stock < $3', [PLENTY, hot, PLENTY / 2]));
        await refill();
        const refiller = setInterval(() => void refill().catch(() => undefined), 1000);
        try {
          results.push(
            await measure({
              name: 'COD orders, one hot product',
              target: 'app',
              url: appUrl,
              pid: appPid,
              requests: perUser(
                tokens,
                () => ({ payment_method: 'cod', cart: [{ id: hot, quantity: 1 }], address: ADDRESS }),
                '/api/orders/create/',
              ),
            }),
          );
        } finally {
          clearInterval(refiller);
        }

        if (!values['skip-large']) {
          const existing = Number(((await db.query('SELECT count(*) AS n FROM products')).rows[0] as { n: string }).n);
          console.log(`generating ${largeCount - existing} products...`);
          await run([...GENERATE_CATALOGUE_COMMAND, '--count', String(largeCount - existing)], { DATABASE_URL: databaseUrl! });
          await db.query('ANALYZE products');
          const label = `${(largeCount / 1000).toFixed(0)}k products`;
          results.push(
            await measure({
              name: `list page 1 (${label})`,
              target: 'app',
              url: appUrl,
              pid: appPid,
              requests: [{ method: 'GET', path: '/api/products/' }],
            }),
          );
          results.push(
            await measure({
              name: `search "linen" (${label})`,
              target: 'app',
              url: appUrl,
              pid: appPid,
              requests: [{ method: 'GET', path: '/api/products/?search=linen' }],
            }),
          );
        }
      }
    } finally {
      await db?.end();
    }

    const bareList = results.find((m) => m.target === 'bare')?.requestsPerSecond;
    const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const [hardware, ...software] = about.split('; ');
    const caption = [
      `${when} UTC · ${duration} s per scenario after ${warmup} s warm-up · ${connections} connections`,
      hardware!,
      software.join(' · '),
    ];
    const markdown =
      `# Benchmark\n\n${when} UTC, \`npm run bench\`${baseUrl ? ` against ${baseUrl}` : ''}: ${connections} connections, ` +
      `${duration} s per scenario after a ${warmup} s warm-up (the bare lists, the list and the detail in ${turns} alternating turns); the server ${local ? `started as \`${['node', ...SERVER_COMMAND.slice(1)].join(' ')}\` with WEB_CONCURRENCY=${values.workers}` : 'under test was already running'}.\n\n` +
      `Machine: ${about}.\n\n${table(results)}\n\n![chart](results.svg)\n`;
    mkdirSync(values.out, { recursive: true });
    writeFileSync(path.join(values.out, 'results.md'), markdown);
    writeFileSync(path.join(values.out, 'results.svg'), chart(results, bareList, caption));
    console.log(`\n${table(results)}\n\nwritten to ${values.out}/results.md and results.svg`);
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
