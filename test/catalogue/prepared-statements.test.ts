// The catalogue's hot reads are prepared statements on PostgreSQL (runStatement): a list page
// without a search, its count and one product are prepared once per connection under a name
// derived from the text; a search is planned per request; DATABASE_PREPARED_STATEMENTS=false
// sends them all unnamed. Seen from the connection itself: pg_prepared_statements lists what this
// session prepared, so each database here has a pool of one.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Knex } from 'knex';
import pg from 'pg';
import { Product } from '../../src/catalogue/product.model.js';
import { createDatabase } from '../../src/db.js';
import { makeProduct, unique } from '../support/factories.js';
import { ownPostgresUnavailable, startOwnPostgres, type OwnPostgres } from '../support/own-postgres.js';
import { testDatabase } from '../support/server.js';
import { startSourceServer } from '../support/spawned-server.js';

const PAGE = { limit: 5, offset: 0 };

/** The statements this database's one connection has prepared (PREPARE or a named protocol-level statement). */
async function preparedOn(db: Knex): Promise<Array<{ name: string; statement: string }>> {
  const result = (await db.raw('SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time')) as {
    rows: Array<{ name: string; statement: string }>;
  };
  return result.rows;
}

describe('prepared statements of the catalogue (PostgreSQL)', function () {
  let url: string;
  let word: string;
  let productId: number;
  const opened: Knex[] = [];
  const open = (preparedStatements?: boolean) => {
    const db = createDatabase({ databaseUrl: url, poolMax: 1, ...(preparedStatements === undefined ? {} : { preparedStatements }) });
    opened.push(db);
    return db;
  };

  before(async function () {
    const test = await testDatabase();
    if (!test.url) this.skip(); // the embedded database has one in-process connection and plans in place
    url = test.url;
    word = unique('prepared');
    productId = (await makeProduct(test.db, { name: `Tee ${word}` })).id;
  });

  after(async () => {
    await Promise.all(opened.map((db) => db.destroy()));
  });

  it('prepares a list page, its count and one product once per connection, and reuses them', async () => {
    const db = open();
    const first = await Product.pageJsonMatching(db, { category: 'men' }, PAGE);
    await Product.countMatching(db, { category: 'men' });
    const product = await Product.findShownJson(db, productId);
    const prepared = await preparedOn(db);
    expect(prepared.map((statement) => statement.name)).to.have.length(3);
    for (const { name } of prepared) expect(name).to.match(/^store_[0-9a-f]{24}$/);
    expect(prepared[0]!.statement).to.include('row_to_json(shown)').and.to.include('LIMIT $2 OFFSET $3');
    expect(prepared[1]!.statement).to.include('count(*)');
    expect(prepared[2]!.statement).to.include('WHERE id = $1');

    // Run again, with other values: the same three statements, the same answers.
    expect(await Product.pageJsonMatching(db, { category: 'men' }, PAGE)).to.deep.equal(first);
    expect(await Product.findShownJson(db, productId)).to.deep.equal(product);
    expect(JSON.parse(product!.json)).to.include({ id: productId, name: `Tee ${word}` });
    await Product.pageJsonMatching(db, { category: 'women' }, { limit: 2, offset: 1 });
    expect(await preparedOn(db)).to.have.length(3);
  });

  it('plans a search for each request instead of preparing it', async () => {
    const db = open();
    const { json } = await Product.pageJsonMatching(db, { search: word }, PAGE);
    expect((JSON.parse(json) as Array<{ id: number }>).map((product) => product.id)).to.deep.equal([productId]);
    expect((await Product.countMatching(db, { search: word })).total).to.equal(1);
    expect(await preparedOn(db)).to.deep.equal([]);
  });

  it('prepares nothing with DATABASE_PREPARED_STATEMENTS=false, and answers the same', async () => {
    const named = open();
    const unnamed = open(false);
    const filters = { category: 'men', min_price: '1.00' };
    expect(await Product.pageJsonMatching(unnamed, filters, PAGE)).to.deep.equal(await Product.pageJsonMatching(named, filters, PAGE));
    expect(await Product.findShownJson(unnamed, productId)).to.deep.equal(await Product.findShownJson(named, productId));
    expect(await preparedOn(unnamed)).to.deep.equal([]);
  });

  it('follows the setting inside a transaction as well (the transaction shares its database’s settings)', async () => {
    const namesIn = async (db: Knex) =>
      await db.transaction(async (trx) => {
        await Product.findShownJson(trx, productId);
        return (await preparedOn(trx)).map((statement) => statement.name);
      });
    expect(await namesIn(open(false))).to.deep.equal([]);
    expect(await namesIn(open())).to.have.length(1);
  });
});

// The server's own pool is not visible from another session, so the server runs on a PostgreSQL of
// the test's own that logs every statement: a named one is logged `execute store_...:`, an unnamed
// one `execute <unnamed>:`.
const missing = ownPostgresUnavailable();

(missing ? describe.skip : describe)(`DATABASE_PREPARED_STATEMENTS in the server${missing ? ` (pending: ${missing})` : ''}`, function () {
  this.timeout(180_000);
  let postgres: OwnPostgres | undefined;

  before(async () => {
    postgres = await startOwnPostgres();
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    await admin.query("ALTER SYSTEM SET log_statement = 'all'");
    await admin.query('SELECT pg_reload_conf()');
    await admin.end();
  });

  after(async () => {
    await postgres?.destroy();
  });

  /** What PostgreSQL logged of the list's statement while a server with `env` answered the list and one product. */
  async function listStatementsLogged(env: Record<string, string>): Promise<string[]> {
    const server = await startSourceServer({ DATABASE_URL: postgres!.url, ...env });
    try {
      const logged = readFileSync(postgres!.logFile, 'utf8').length;
      const client = server.client();
      const list = await client.get('/api/products/?limit=3');
      expect(list.status).to.equal(200);
      expect((await client.get(`/api/products/${(list.body as Array<{ id: number }>)[0]!.id}/`)).status).to.equal(200);
      const log = readFileSync(postgres!.logFile, 'utf8').slice(logged);
      return log.match(/execute [^:]+: SELECT (\(SELECT version::text|row_to_json)/g) ?? [];
    } finally {
      await server.stop();
    }
  }

  it('names the catalogue statements by default and sends them unnamed when set to false', async () => {
    const named = await listStatementsLogged({});
    expect(named).to.have.length(2);
    for (const line of named) expect(line).to.match(/^execute store_[0-9a-f]{24}: /);

    const unnamed = await listStatementsLogged({ DATABASE_PREPARED_STATEMENTS: 'false' });
    expect(unnamed).to.have.length(2);
    for (const line of unnamed) expect(line).to.match(/^execute <unnamed>: /);
  });
});

// runStatement runs on the connection knex's client hands out: given a transaction, the
// transaction's own, so the catalogue's reads see what it wrote. On both databases (the embedded
// one runs them through knex).
describe("the catalogue's hot reads in a transaction", () => {
  it("run on the transaction's connection: they see a product it wrote and has not committed", async () => {
    const { db } = await testDatabase();
    const word = unique('uncommitted');
    const trx = await db.transaction();
    try {
      const product = await makeProduct(trx, { name: `Tee ${word}`, category: 'women' });
      const shown = await Product.findShownJson(trx, product.id);
      expect(shown && (JSON.parse(shown.json) as { id: number; name: string })).to.include({ id: product.id, name: `Tee ${word}` });
      const page = await Product.pageJsonMatching(trx, { category: 'women' }, PAGE);
      expect((JSON.parse(page.json) as Array<{ id: number }>).map(({ id }) => id)).to.include(product.id);
      expect((await Product.countMatching(trx, { search: word })).total).to.equal(1);
    } finally {
      await trx.rollback();
    }
  });
});
