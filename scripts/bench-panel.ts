// `npm run bench:panel`: latency of the staff panel's aggregates through the whole HTTP stack
// (routing, staff check, the aggregate statements, serialising), against the database in
// DATABASE_URL (or the embedded one in DATA_DIR). Fill it first with
// `npm run orders:generate -- --count 100000`. Prints p50/p95/max per request (target: p50 ≤ 50 ms
// for the dashboard and the reports) and the plan of the dashboard's totals statement.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { openSession } from '../src/accounts/session-tokens.js';
import { OrderFigures } from '../src/orders/order-figures.js';
import { percentile, runMain, startBenchServer } from './bench-support.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' }, warmup: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const SECRET_KEY = process.env.SECRET_KEY ?? 'benchmark-only-secret-key-0123456789';

const REQUESTS: Array<[string, string, Record<string, string>?]> = [
  ['dashboard', '/api/panel/dashboard/'],
  ['reports, default 30 days', '/api/panel/reports/'],
  ['reports, 366 days', `/api/panel/reports/?start_date=${new Date(Date.now() - 365 * 86400_000).toISOString().slice(0, 10)}`],
  ['reports, 30 days as CSV', '/api/panel/reports/', { accept: 'text/csv' }],
  ['users, first page', '/api/panel/users/?limit=50'],
  ['users, search', '/api/panel/users/?search=buyer%20123&limit=50'],
];

async function main(): Promise<void> {
  const server = await startBenchServer({ SECRET_KEY });
  const { base, db } = server;
  try {
    const [staff] = (await db('users')
      .insert({ email: 'bench-panel-staff@generated.invalid', is_staff: true, email_verified: true })
      .onConflict('email')
      .merge({ is_staff: true, is_active: true })
      .returning('id')) as Array<{ id: number }>;
    const { access } = await openSession(db, SECRET_KEY, staff!.id);
    const orders = await db('orders').count({ n: '*' }).first();
    console.log(
      `Shop: ${String(orders?.n)} orders on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}; ${runs} runs per request after ${warmup} warm-up runs.\n`,
    );
    console.log(`${'request'.padEnd(28)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
    for (const [label, path, headers] of REQUESTS) {
      const times: number[] = [];
      for (let run = 0; run < warmup + runs; run += 1) {
        const started = process.hrtime.bigint();
        const response = await fetch(base + path, { headers: { authorization: `Bearer ${access}`, ...headers } });
        await response.arrayBuffer();
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
        if (run >= warmup) times.push(elapsed);
      }
      times.sort((a, b) => a - b);
      const format = (ms: number) => ms.toFixed(1).padStart(8);
      console.log(`${label.padEnd(28)} ${format(percentile(times, 50))} ${format(percentile(times, 95))} ${format(times.at(-1)!)}`);
    }
    const { sql, bindings } = OrderFigures.byStatusQuery(db).toSQL();
    const plan = (await db.raw(`EXPLAIN ANALYZE ${sql}`, bindings as never)) as { rows: Array<Record<string, string>> };
    console.log(`\nPlan of the dashboard's totals by status:\n${plan.rows.map((row) => `  ${row['QUERY PLAN']}`).join('\n')}`);
  } finally {
    await server.close();
  }
}

runMain(main);
