// The catalogue read path as the storefront reads it: a bare array, newest first, filtered by search
// (name or description, case-insensitive), category (any case) and inclusive price bounds.
import { expect } from 'chai';
import { makeProduct, shopper, unique } from '../support/factories.js';
import { serverForSuite, startServer, type TestServer } from '../support/server.js';
import type { Client } from '../support/client.js';

describe('GET /api/products/', () => {
  let server: TestServer;
  let client: Client;
  const tag = unique('zq');
  const ids: Record<string, number> = {};

  before(async () => {
    server = await startServer();
    client = server.client();
    const db = server.services.db;
    const base = Date.UTC(2026, 0, 1);
    const add = async (key: string, fields: Parameters<typeof makeProduct>[1], minutes: number) => {
      ids[key] = (await makeProduct(db, { ...fields, created_at: new Date(base + minutes * 60_000) })).id;
    };
    await add('cheapMen', { name: `${tag} Cotton Tee`, price: '499.00', category: 'men', description: 'Soft everyday cotton tee.' }, 1);
    await add(
      'midWomen',
      { name: `${tag} Denim Jacket`, price: '1495.00', category: 'women', description: 'Washed denim jacket, boxy fit.' },
      2,
    );
    await add(
      'priceyMen',
      { name: `${tag} Wool Blazer`, price: '4999.50', category: 'men', description: 'Merino wool blazer with COTTON lining.' },
      3,
    );
    await add(
      'literal',
      { name: `${tag} 100% Linen Shirt`, price: '1999.00', category: 'women', description: 'Breathable linen for summer.' },
      4,
    );
  });
  after(() => server.close());

  const names = (body: Array<{ id: number }>) => body.map((product) => Object.keys(ids).find((key) => ids[key] === product.id));

  it('answers a bare array, newest first, with money as two-decimal strings', async () => {
    const response = await client.get(`/api/products/?search=${tag}`);
    expect(response.status).to.equal(200);
    expect(response.body).to.be.an('array');
    expect(names(response.body)).to.deep.equal(['literal', 'priceyMen', 'midWomen', 'cheapMen']);
    expect(response.body[1].price).to.equal('4999.50');
    expect(response.headers.get('x-total-count')).to.equal('4');
  });

  it('searches the name or the description, case-insensitively', async () => {
    const byDescription = await client.get(`/api/products/?search=${encodeURIComponent(`${tag}`)}&category=men`);
    expect(names(byDescription.body)).to.deep.equal(['priceyMen', 'cheapMen']);
    const cotton = await client.get(`/api/products/?search=cOtToN&min_price=0&max_price=100000&limit=500`);
    const found = names(cotton.body).filter(Boolean);
    expect(found).to.include.members(['cheapMen', 'priceyMen']);
    expect(found).not.to.include('midWomen');
  });

  it('takes % and _ in the search literally', async () => {
    const percent = await client.get(`/api/products/?search=${encodeURIComponent('100% Linen')}`);
    expect(names(percent.body).filter(Boolean)).to.deep.equal(['literal']);
    const wildcard = await client.get(`/api/products/?search=${encodeURIComponent(`${tag} %`)}`);
    expect(wildcard.body).to.deep.equal([]);
    const underscore = await client.get(`/api/products/?search=${encodeURIComponent(`${tag}_`)}`);
    expect(underscore.body).to.deep.equal([]);
  });

  it('filters by category in any case', async () => {
    for (const category of ['women', 'Women', 'WOMEN', 'wOmEn']) {
      const response = await client.get(`/api/products/?search=${tag}&category=${category}`);
      expect(names(response.body), category).to.deep.equal(['literal', 'midWomen']);
    }
    expect(names((await client.get(`/api/products/?search=${tag}&category=mEn`)).body)).to.deep.equal(['priceyMen', 'cheapMen']);
    const unknown = await client.get(`/api/products/?search=${tag}&category=kids`);
    expect(unknown.status).to.equal(400);
    expect(unknown.body.fields.category).to.deep.equal(['"kids" is not a valid choice.']);
  });

  it('pages by 100 when no limit is given, as the spec says', async () => {
    const response = await client.get(`/api/products/?search=${tag}`);
    expect(response.headers.get('x-total-count')).to.equal('4');
    expect(response.headers.get('link')).to.include('limit=100');
  });

  it('applies inclusive price bounds, exactly', async () => {
    const bounded = await client.get(`/api/products/?search=${tag}&min_price=1495&max_price=4999.50`);
    expect(names(bounded.body)).to.deep.equal(['literal', 'priceyMen', 'midWomen']);
    const justBelow = await client.get(`/api/products/?search=${tag}&max_price=4999.49`);
    expect(names(justBelow.body)).to.deep.equal(['literal', 'midWomen', 'cheapMen']);
    const exact = await client.get(`/api/products/?search=${tag}&min_price=499.00&max_price=499`);
    expect(names(exact.body)).to.deep.equal(['cheapMen']);
  });

  it('pages with limit and offset, announcing the total and the neighbours', async () => {
    const first = await client.get(`/api/products/?search=${tag}&limit=2`);
    expect(names(first.body)).to.deep.equal(['literal', 'priceyMen']);
    expect(first.headers.get('x-total-count')).to.equal('4');
    expect(first.headers.get('link')).to.include(`offset=2>; rel="next"`);
    const second = await client.get(`/api/products/?search=${tag}&limit=2&offset=2`);
    expect(names(second.body)).to.deep.equal(['midWomen', 'cheapMen']);
    expect(second.headers.get('link')).to.include(`offset=0>; rel="prev"`);
    expect(second.headers.get('link')).not.to.include('rel="next"');
  });
});

describe('GET /api/products/{id}/', () => {
  const suite = serverForSuite();

  it('answers the product', async () => {
    const product = await makeProduct(suite.db, { price: '1234.50', stock: 3 });
    const response = await suite.server.client().get(`/api/products/${product.id}/`);
    expect(response.status).to.equal(200);
    expect(response.body).to.include({ id: product.id, name: product.name, price: '1234.50', stock: 3, category: 'men' });
  });

  it('looks up no session for a shopper whose cookies come along: the product is the only query', async () => {
    const product = await makeProduct(suite.db);
    const client = await shopper(suite.server);
    const queries: string[] = [];
    const record = (query: { sql: string }) => queries.push(query.sql);
    suite.db.on('query', record);
    try {
      expect((await client.get(`/api/products/${product.id}/`)).status).to.equal(200);
    } finally {
      suite.db.off('query', record);
    }
    expect(queries).to.have.length(1);
    expect(queries[0]).to.match(/\bFROM products\b/i);
  });

  it('answers 404 for an unknown id', async () => {
    const response = await suite.server.client().get('/api/products/987654321/');
    expect(response.status).to.equal(404);
    expect(response.body.code).to.equal('not_found');
  });
});
