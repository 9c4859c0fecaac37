// The search is served by the trigram GIN indexes: the planner can answer the very query the
// list endpoint builds (ILIKE with ESCAPE, literal % and _) from products_name_trgm and
// products_description_trgm. Sequential scans are switched off inside a rolled-back transaction so
// the plan does not depend on how many rows the test database happens to hold; the benchmark
// (npm run bench:search) shows the planner choosing the indexes by itself at 100,000 products.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { whereMatching, type ProductFilters } from '../../src/catalogue/product.model.js';
import { isEmbedded } from '../../src/db.js';
import { testDatabase } from '../support/server.js';

async function plan(db: Knex, filters: ProductFilters): Promise<string> {
  const where = whereMatching(filters);
  const [sql, bindings] = [`SELECT id FROM products ${where.sql}`, where.bindings];
  let text = '';
  await db
    .transaction(async (trx) => {
      await trx.raw('SET LOCAL enable_seqscan = off');
      const result = await trx.raw(`EXPLAIN ${sql}`, bindings);
      text = (result.rows as Array<Record<string, string>>).map((row) => row['QUERY PLAN']).join('\n');
      throw new Error('rollback');
    })
    .catch((error: Error) => {
      if (error.message !== 'rollback') throw error;
    });
  return text;
}

describe('search indexes (EXPLAIN)', () => {
  it('answers a search of name or description from both trigram indexes, with literal % and _', async function () {
    const { db } = await testDatabase();
    // PGlite loads pg_trgm as well, so the plan is checked on both databases; planning there is slower.
    if (isEmbedded(db)) this.timeout(60_000);
    for (const search of ['linen shirt', '100% cotton', 'snake_case']) {
      const text = await plan(db, { search });
      expect(text, text).to.match(/Bitmap Index Scan on products_name_trgm/);
      expect(text, text).to.match(/Bitmap Index Scan on products_description_trgm/);
      expect(text, text).not.to.match(/Seq Scan/);
    }
  });
});
