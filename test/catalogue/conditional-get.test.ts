// Conditional GETs and paging on the public catalogue: ETag on list and detail, 304 for a
// matching If-None-Match, a new ETag as soon as a listed product changes, Cache-Control for a
// public catalogue, and the paging limits and headers.
import { expect } from 'chai';
import { makeProduct, unique } from '../support/factories.js';
import { startServer, type TestServer } from '../support/server.js';

describe('catalogue caching and paging', () => {
  let server: TestServer;
  const tag = unique('etag');
  const ids: number[] = [];

  before(async () => {
    server = await startServer();
    for (let index = 0; index < 5; index += 1) {
      ids.push(
        (await makeProduct(server.services.db, { name: `${tag} Tee ${index}`, created_at: new Date(Date.UTC(2026, 1, 1, 0, index)) })).id,
      );
    }
  });
  after(() => server.close());

  it('answers the list with an ETag and Cache-Control, and 304 without a body for a matching If-None-Match', async () => {
    const client = server.client();
    const first = await client.get(`/api/products/?search=${tag}`);
    expect(first.status).to.equal(200);
    const etag = first.headers.get('etag')!;
    expect(etag).to.match(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(first.headers.get('cache-control')).to.equal('public, max-age=60, must-revalidate');

    const again = await client.get(`/api/products/?search=${tag}`, { headers: { 'If-None-Match': etag } });
    expect(again.status).to.equal(304);
    expect(again.text).to.equal('');
    expect(again.headers.get('etag')).to.equal(etag);

    const listed = await client.get(`/api/products/?search=${tag}`, { headers: { 'If-None-Match': `W/"other", ${etag.slice(2)}` } });
    expect(listed.status, 'weak comparison against every listed tag').to.equal(304);
    const stale = await client.get(`/api/products/?search=${tag}`, { headers: { 'If-None-Match': 'W/"something-else"' } });
    expect(stale.status).to.equal(200);
    expect(stale.body).to.have.length(5);
  });

  it('changes the list ETag when a listed product changes, and differs between pages', async () => {
    const client = server.client();
    const before = await client.get(`/api/products/?search=${tag}`);
    const etag = before.headers.get('etag')!;
    await server.services.db('products').where({ id: ids[2] }).update({ stock: 99, updated_at: server.services.db.fn.now() });
    const after = await client.get(`/api/products/?search=${tag}`, { headers: { 'If-None-Match': etag } });
    expect(after.status).to.equal(200);
    expect(after.headers.get('etag')).not.to.equal(etag);

    const page1 = await client.get(`/api/products/?search=${tag}&limit=2`);
    const page2 = await client.get(`/api/products/?search=${tag}&limit=2&offset=2`);
    expect(page1.headers.get('etag')).not.to.equal(page2.headers.get('etag'));
  });

  it('made from what wrote the listed rows: any write to one (stock alone too) changes it; a lock or a write elsewhere does not', async () => {
    const client = server.client();
    const { db } = server.services;
    const etagOf = async (path: string) => (await client.get(path)).headers.get('etag')!;
    const list = `/api/products/?search=${tag}&limit=2`; // ids[4] and ids[3], newest first
    const detail = `/api/products/${ids[4]}/`;
    const [listBefore, detailBefore] = [await etagOf(list), await etagOf(detail)];

    // A product that is not on this page changes; one on it is locked and left as it was.
    await db('products')
      .where({ id: ids[0] })
      .update({ name: `${tag} Tee 0 renamed` });
    await db.transaction(async (trx) => void (await trx('products').where({ id: ids[4] }).forUpdate().first()));
    expect((await client.get(list, { headers: { 'If-None-Match': listBefore } })).status).to.equal(304);
    expect((await client.get(detail, { headers: { 'If-None-Match': detailBefore } })).status).to.equal(304);

    // Only the stock of a listed product, nothing else (updated_at neither), as a raw write could.
    await db('products').where({ id: ids[4] }).increment('stock', 1);
    const relisted = await client.get(list, { headers: { 'If-None-Match': listBefore } });
    expect(relisted.status).to.equal(200);
    expect(relisted.headers.get('etag')).not.to.equal(listBefore);
    expect((await client.get(detail, { headers: { 'If-None-Match': detailBefore } })).status).to.equal(200);
  });

  it('answers the detail with an ETag, 304 when unchanged, 200 with a new ETag after a change', async () => {
    const client = server.client();
    const first = await client.get(`/api/products/${ids[0]}/`);
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('cache-control')).to.equal('public, max-age=60, must-revalidate');
    const unchanged = await client.get(`/api/products/${ids[0]}/`, { headers: { 'If-None-Match': etag } });
    expect(unchanged.status).to.equal(304);
    expect(unchanged.text).to.equal('');
    await server.services.db('products').where({ id: ids[0] }).update({ price: '1.00' });
    const changed = await client.get(`/api/products/${ids[0]}/`, { headers: { 'If-None-Match': etag } });
    expect(changed.status).to.equal(200);
    expect(changed.body.price).to.equal('1.00');
    expect(changed.headers.get('etag')).not.to.equal(etag);
  });

  it('pages with limit (default 100, at most 500) and offset, with X-Total-Count and RFC 8288 links', async () => {
    const client = server.client();
    const middle = await client.get(`/api/products/?search=${tag}&limit=2&offset=2`);
    expect(middle.body.map((product: { id: number }) => product.id)).to.deep.equal([ids[2], ids[1]]);
    expect(middle.headers.get('x-total-count')).to.equal('5');
    const path = `/api/products/?search=${tag}`;
    expect(middle.headers.get('link')).to.equal(
      [
        `<${path}&limit=2&offset=0>; rel="first"`,
        `<${path}&limit=2&offset=0>; rel="prev"`,
        `<${path}&limit=2&offset=4>; rel="next"`,
        `<${path}&limit=2&offset=4>; rel="last"`,
      ].join(', '),
    );
    const reordered = await client.get(`/api/products/?offset=2&limit=2&search=${tag}`);
    expect(reordered.headers.get('link'), 'the same links whatever order the parameters came in').to.equal(middle.headers.get('link'));
    const past = await client.get(`/api/products/?search=${tag}&offset=10`);
    expect(past.status).to.equal(200);
    expect(past.body).to.deep.equal([]);
    expect(past.headers.get('x-total-count')).to.equal('5');
    const defaults = await client.get(`/api/products/?search=${tag}`);
    expect(defaults.headers.get('link')).to.include('limit=100&offset=0>; rel="first"');
    for (const query of ['limit=501', 'limit=0', 'offset=-1', 'limit=abc']) {
      const refused = await client.get(`/api/products/?${query}`);
      expect(refused.status, query).to.equal(400);
      expect(refused.body.code).to.equal('validation_error');
    }
    expect((await client.get(`/api/products/?search=${tag}&limit=500`)).status).to.equal(200);
  });
});
