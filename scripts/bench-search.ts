// `npm run bench:search`: latency of catalogue searches and filtered lists through the whole HTTP
// stack (Koa, routing and validation, the list handler with its count, ETag), against the
// database in DATABASE_URL (or the embedded one in DATA_DIR). Fill it first with
// `npm run catalogue:generate -- --count 100000`. Prints p50/p95/max per query and the plan
// PostgreSQL chooses for a search, without forcing any index.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { whereMatching } from '../src/catalogue/product.model.js';
import { percentile, runMain, startBenchServer } from './bench-support.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '50' }, warmup: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const warmup = Number(values.warmup);

const QUERIES: Array<[string, string]> = [
  ['newest first, first page', '/api/products/'],
  ['newest first, deep page', '/api/products/?limit=100&offset=50000'],
  ['search, rare word (1 match)', '/api/products/?search=Style%20number%2054321.'],
  ['search, common word (~10% match)', '/api/products/?search=linen'],
  ['search, literal % in the text', '/api/products/?search=100%25%20organic'],
  ['search, literal _ in the text', '/api/products/?search=hidden_pocket'],
  ['search, no match', '/api/products/?search=zzzqqq'],
  ['category + price range', '/api/products/?category=Women&min_price=500&max_price=1500'],
  ['search + category + price', '/api/products/?search=hoodie&category=men&min_price=100&max_price=3000'],
  ['one product', '/api/products/1/'],
];

async function main(): Promise<void> {
  const server = await startBenchServer();
  const { base, db } = server;
  try {
    const total = await db('products').count({ n: '*' }).first();
    console.log(
      `Catalogue: ${String(total?.n)} products on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}; ${runs} runs per query after ${warmup} warm-up runs.\n`,
    );
    console.log(`${'query'.padEnd(36)} ${'matches'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
    for (const [label, path] of QUERIES) {
      const times: number[] = [];
      let matches = '';
      for (let run = 0; run < warmup + runs; run += 1) {
        const started = process.hrtime.bigint();
        const response = await fetch(base + path);
        await response.arrayBuffer();
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
        matches = response.headers.get('x-total-count') ?? '1';
        if (run >= warmup) times.push(elapsed);
      }
      times.sort((a, b) => a - b);
      const format = (ms: number) => ms.toFixed(1).padStart(8);
      console.log(
        `${label.padEnd(36)} ${matches.padStart(8)} ${format(percentile(times, 50))} ${format(percentile(times, 95))} ${format(times.at(-1)!)}`,
      );
    }
    const where = whereMatching({ search: 'Style number 54321.' });
    const [sql, bindings] = [`SELECT id FROM products ${where.sql}`, where.bindings];
    const plan = (await db.raw(`EXPLAIN ANALYZE ${sql}`, bindings)) as { rows: Array<Record<string, string>> };
    console.log(`\nPlan of a search (no index forced):\n${plan.rows.map((row) => `  ${row['QUERY PLAN']}`).join('\n')}`);
  } finally {
    await server.close();
  }
}

runMain(main);
