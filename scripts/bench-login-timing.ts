// `npm run bench:login`: does a failed login take as long for an unknown email as for a real
// account? (It should: the answer's timing must not tell which emails have accounts.) Through the
// whole HTTP stack, on an in-memory embedded database (or DATABASE_URL's), interleaving the cases
// so machine noise falls on all of them alike. Prints p50/p95 per case.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { percentile, runMain, startBenchServer } from './bench-support.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '40' }, warmup: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const warmup = Number(values.warmup);

async function main(): Promise<void> {
  // The throttles would refuse a benchmark's worth of failed logins.
  const server = await startBenchServer({ THROTTLE_LOGIN: '1000000/1m', THROTTLE_REGISTER: '1000000/1m' }, { inMemory: true });
  const { base } = server;
  const post = (path: string, body: object) =>
    fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  try {
    const email = `timing-${Date.now()}@example.com`;
    const registered = await post('/api/auth/register/', { email, password: 'the-right-password' });
    if (registered.status !== 201) throw new Error(`registration answered ${registered.status}`);
    const cases: Array<[string, () => object, number]> = [
      ['existing account, wrong password', () => ({ email, password: 'a-wrong-password' }), 400],
      ['unknown email', () => ({ email: `nobody-${Math.random()}@example.com`, password: 'a-wrong-password' }), 400],
      ['existing account, right password', () => ({ email, password: 'the-right-password' }), 200],
    ];
    const times = cases.map(() => [] as number[]);
    for (let run = 0; run < warmup + runs; run += 1) {
      for (const [index, [label, body, expected]] of cases.entries()) {
        const started = process.hrtime.bigint();
        const response = await post('/api/auth/login/', body());
        await response.arrayBuffer();
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        if (response.status !== expected) throw new Error(`${label}: answered ${response.status}`);
        if (run >= warmup) times[index]!.push(elapsed);
      }
    }
    console.log(
      `${runs} logins per case on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}, after ${warmup} warm-up rounds.\n`,
    );
    console.log(`${'case'.padEnd(36)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}`);
    for (const [index, [label]] of cases.entries()) {
      const sorted = times[index]!.sort((a, b) => a - b);
      console.log(`${label.padEnd(36)} ${percentile(sorted, 50).toFixed(1).padStart(8)} ${percentile(sorted, 95).toFixed(1).padStart(8)}`);
    }
  } finally {
    await server.close();
  }
}

runMain(main);
