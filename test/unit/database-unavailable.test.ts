// Which database failures answer 503 (the database is unreachable or overloaded: try again) and
// which stay bugs (500) or are the request's own fault: real failures, from real connections.
import { expect } from 'chai';
import { createDatabase, isDatabaseUnavailable } from '../../src/db.js';
import { freePort } from '../support/spawned-server.js';
import { testDatabase } from '../support/server.js';

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('isDatabaseUnavailable', () => {
  it('is true for a PostgreSQL server that refuses connections, quickly', async () => {
    const port = await freePort();
    const db = createDatabase({
      databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
      databaseTimeouts: { connectMs: 1000, acquireMs: 1000, statementMs: 1000 },
    });
    try {
      expect(isDatabaseUnavailable(await failure(() => db.raw('select 1')))).to.equal(true);
    } finally {
      await db.destroy();
    }
  });

  it('is true for a pool with no free connection within the acquire timeout', async function () {
    const { url } = await testDatabase();
    if (!url) this.skip(); // the embedded database has no pool to wait for
    const db = createDatabase({ databaseUrl: url, poolMax: 1, databaseTimeouts: { connectMs: 5000, acquireMs: 200, statementMs: 5000 } });
    try {
      const holding = db.transaction(async (trx) => {
        await trx.raw('select pg_sleep(1)');
      });
      expect(isDatabaseUnavailable(await failure(() => db.raw('select 1')))).to.equal(true);
      await holding;
    } finally {
      await db.destroy();
    }
  });

  it('is true for a statement cut off by statement_timeout', async function () {
    const { url } = await testDatabase();
    if (!url) this.skip(); // PGlite runs in this process: nothing cancels its statements
    const db = createDatabase({ databaseUrl: url, databaseTimeouts: { connectMs: 5000, acquireMs: 5000, statementMs: 100 } });
    try {
      expect(isDatabaseUnavailable(await failure(() => db.raw('select pg_sleep(2)')))).to.equal(true);
    } finally {
      await db.destroy();
    }
  });

  it('is false for the errors of a working database: a constraint, bad SQL, a bug', async () => {
    const { db } = await testDatabase();
    const badCast = await failure(() => db.raw("select 1 from (values (1)) v(x) where x = 'not a number'::integer"));
    expect(isDatabaseUnavailable(badCast)).to.equal(false);
    expect(isDatabaseUnavailable(await failure(() => db.raw('select * from no_such_table')))).to.equal(false);
    const duplicate = await failure(() => db.raw('insert into catalogue_version (only_row, version) values (true, 0)'));
    expect(isDatabaseUnavailable(duplicate)).to.equal(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).to.equal(false);
  });
});
