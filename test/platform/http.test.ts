// The HTTP contract every operation shares: unknown paths, wrong methods, bad bodies, bad
// parameters, request ids, authentication, the spec and docs, and the health check.
import { expect } from 'chai';
import knexFactory from 'knex';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { startServer, type TestServer } from '../support/server.js';
import { Client } from '../support/client.js';

describe('HTTP contract', () => {
  let server: TestServer;
  let client: Client;
  before(async () => {
    server = await startServer();
    client = server.client();
  });
  after(() => server.close());

  it('answers an unknown path with 404 in the error schema', async () => {
    const response = await client.get('/api/nothing-here/');
    expect(response.status).to.equal(404);
    expect(response.body).to.deep.equal({ error: 'Not found.', code: 'not_found', detail: 'Not found.' });
  });

  it('answers a known path called with the wrong method with 405 and Allow', async () => {
    const response = await client.request('DELETE', '/api/products/');
    expect(response.status).to.equal(405);
    expect(response.body.code).to.equal('method_not_allowed');
    expect(response.headers.get('allow')).to.equal('GET, HEAD');
  });

  it('lists every method of the path in Allow, HEAD with GET, also on templated paths and for OPTIONS', async () => {
    const product = await client.request('POST', '/api/products/1/');
    expect(product.status).to.equal(405);
    expect(product.body).to.deep.equal({
      error: 'Method "POST" not allowed.',
      code: 'method_not_allowed',
      detail: 'Method "POST" not allowed.',
    });
    expect(product.headers.get('allow')!.split(', ').sort()).to.deep.equal(['DELETE', 'GET', 'HEAD', 'PATCH', 'PUT']);
    const login = await client.get('/api/auth/login/');
    expect(login.status).to.equal(405);
    expect(login.headers.get('allow')).to.equal('POST');
    const options = await client.request('OPTIONS', '/api/cart/');
    expect(options.status).to.equal(405);
    expect(options.headers.get('allow')).to.equal('GET, HEAD');
  });

  it('matches paths exactly as the spec writes them: trailing slash and case', async () => {
    for (const path of ['/api/products', '/api/products/1', '/healthz/', '/API/products/', '/api/products//', '/api/products/1/extra/']) {
      const response = await client.get(path);
      expect(response.status, path).to.equal(404);
      expect(response.body, path).to.deep.equal({ error: 'Not found.', code: 'not_found', detail: 'Not found.' });
    }
  });

  it('prefers a literal path over a template that also matches it', async () => {
    // POST /api/products/create/ is createProduct (401 without a session), not product "create";
    // GET on it is getProduct, whose id must be an integer.
    const create = await client.post('/api/products/create/', { name: 'x' });
    expect(create.status).to.equal(401);
    const read = await client.get('/api/products/create/');
    expect(read.status).to.equal(400);
    expect(read.body.fields).to.have.property('id');
  });

  it('answers HEAD like GET, without a body', async () => {
    const health = await client.request('HEAD', '/healthz');
    expect(health.status).to.equal(200);
    expect(health.text).to.equal('');
    const list = await client.request('HEAD', '/api/products/?limit=1');
    expect(list.status).to.equal(200);
    expect(list.headers.get('x-total-count')).to.match(/^\d+$/);
    expect(list.headers.get('content-type')).to.match(/^application\/json/);
    const missing = await client.request('HEAD', '/api/products/987654321/');
    expect(missing.status).to.equal(404);
  });

  it('names the problem of a malformed JSON body with 400', async () => {
    const response = await client.post('/api/auth/login/', undefined, {
      rawBody: '{"email": "a@b.c",',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).to.equal(400);
    expect(response.body.code).to.equal('invalid_json');
    expect(response.body.error).to.match(/^Malformed JSON body: /);
  });

  it('refuses a JSON body over 1 MiB with 413', async () => {
    const big = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1024 * 1024 + 10) });
    const response = await client.post('/api/auth/login/', undefined, { rawBody: big, headers: { 'content-type': 'application/json' } });
    expect(response.status).to.equal(413);
    expect(response.body.code).to.equal('payload_too_large');
  });

  it('refuses a body of a media type the operation does not take with 415', async () => {
    const response = await client.post('/api/auth/login/', undefined, {
      rawBody: 'email=a@example.com&password=secret123',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).to.equal(415);
    expect(response.body.code).to.equal('unsupported_media_type');
  });

  it('refuses query parameters of the wrong type with 400 naming the parameter', async () => {
    for (const query of ['min_price=abc', 'max_price=1.234', 'limit=0', 'limit=501', 'offset=-1', 'limit=ten', 'category=kids']) {
      const response = await client.get(`/api/products/?${query}`);
      expect(response.status, query).to.equal(400);
      expect(response.body.code).to.equal('validation_error');
      expect(Object.keys(response.body.fields)).to.deep.equal([query.split('=')[0]]);
    }
  });

  it('refuses a path parameter of the wrong type with 400', async () => {
    const response = await client.get('/api/products/abc/');
    expect(response.status).to.equal(400);
    expect(response.body.fields).to.have.property('id');
  });

  it('refuses ids and offsets beyond what the database stores with 400, not 500', async () => {
    const id = await client.get('/api/products/99999999999/');
    expect(id.status).to.equal(400);
    expect(id.body.fields).to.have.property('id');
    const offset = await client.get('/api/products/?offset=100000000000000000000');
    expect(offset.status).to.equal(400);
    expect(offset.body.fields).to.have.property('offset');
  });

  it('puts a request id on every response, keeping a sane one the caller sent', async () => {
    const mine = await client.get('/healthz', { headers: { 'x-request-id': 'trace-12345678' } });
    expect(mine.headers.get('x-request-id')).to.equal('trace-12345678');
    const hostile = await client.get('/healthz', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(hostile.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('answers 401 in the error schema for an authenticated operation without a session', async () => {
    const response = await client.get('/api/auth/me/');
    expect(response.status).to.equal(401);
    expect(response.body.code).to.equal('not_authenticated');
  });

  it('serves the spec and a self-contained docs page', async () => {
    const spec = await client.get('/api/openapi.yaml');
    expect(spec.status).to.equal(200);
    expect(spec.text).to.match(/^openapi: 3\.0\.3/);
    const docs = await client.get('/api/docs');
    expect(docs.status).to.equal(200);
    expect(docs.text).to.include('Redoc.init(');
    expect(docs.text).not.to.match(/<script[^>]+src=["']https?:/);
    expect(docs.headers.get('content-security-policy')).to.match(/script-src 'sha256-[^']+' 'sha256-[^']+';/);
  });

  it('reports the database in /healthz, and 503 when it is unreachable', async () => {
    const up = await client.get('/healthz');
    expect(up.status).to.equal(200);
    expect(up.body).to.deep.equal({ status: 'ok', database: 'ok' });

    const unreachable = knexFactory({
      client: 'pg',
      connection: 'postgres://postgres@127.0.0.1:1/none',
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 2000,
      log: { error() {}, warn() {} },
    });
    const { koa } = await createApp({ ...server.services, db: unreachable, log: createLogger('silent') });
    const listener = koa.listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    try {
      const port = (listener.address() as { port: number }).port;
      const down = await new Client(`http://127.0.0.1:${port}`).get('/healthz');
      expect(down.status).to.equal(503);
      expect(down.body.code).to.equal('service_unavailable');
    } finally {
      listener.close();
      await unreachable.destroy();
    }
  });
});
