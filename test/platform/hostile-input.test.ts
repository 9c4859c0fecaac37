// Hostile input that passes the spec's schemas (or breaks the router) answers a clear 400 in the
// error schema, never a 500, and writes nothing: text PostgreSQL cannot store (NUL, unpaired
// surrogates), malformed URLs and query parameters, requests Node's parser refuses, bodies that lie
// about their encoding, signed but malformed Stripe events, and forwarded addresses that are not
// addresses.
import { connect } from 'node:net';
import { expect } from 'chai';
import { clientAs, makeProduct, makeUser } from '../support/factories.js';
import { FakeStripe, stripeEnv, stripeSignature } from '../../testing/fakes/stripe.js';
import { startServer, type TestServer } from '../support/server.js';
import type { Client } from '../support/client.js';
import { ADDRESS } from '../orders/support.js';

const NUL = 'Text may not contain NUL (\\u0000) characters.';
const SURROGATE = 'Text must be valid Unicode (it holds an unpaired surrogate).';

describe('Hostile input', () => {
  let server: TestServer;
  let stripe: FakeStripe;
  let shopper: Client;
  let staff: Client;
  before(async () => {
    stripe = await FakeStripe.start();
    server = await startServer(stripeEnv(stripe));
    shopper = await clientAs(server, await makeUser(server.services.db));
    staff = await clientAs(server, await makeUser(server.services.db, { is_staff: true }));
  });
  after(async () => {
    await server.close();
    await stripe.close();
  });
  const db = () => server.services.db;
  const count = async (table: string) => Number((await db()(table).count<Array<{ n: string | number }>>({ n: '*' }))[0]!.n);

  describe('NUL characters (PostgreSQL refuses them in text)', () => {
    it('refuses one in a JSON body string with 400 naming the field, and creates nothing', async () => {
      const before = await count('products');
      const response = await staff.post('/api/products/create/', {
        name: 'Goku\u0000Tee',
        price: '499.00',
        category: 'men',
        description: 'A plain cotton tee for tests.',
      });
      expect(response.status).to.equal(400);
      expect(response.body).to.deep.equal({
        error: `name: ${NUL}`,
        code: 'validation_error',
        detail: `name: ${NUL}`,
        name: [NUL],
        fields: { name: [NUL] },
      });
      expect(await count('products')).to.equal(before);
    });

    it('names a nested field, and places no order', async () => {
      const tee = await makeProduct(db(), { stock: 5 });
      const before = await count('orders');
      const response = await shopper.post('/api/orders/create/', {
        payment_method: 'cod',
        cart: [{ id: tee.id, quantity: 1 }],
        address: { ...ADDRESS, city: 'Bengaluru\u0000' },
      });
      expect(response.status).to.equal(400);
      expect(response.body.fields).to.deep.equal({ 'address.city': [NUL] });
      expect(await count('orders')).to.equal(before);
    });

    it('refuses one in a query parameter (the catalogue search, the payment check)', async () => {
      const search = await shopper.get('/api/products/?search=%00');
      expect(search.status).to.equal(400);
      expect(search.body.fields).to.deep.equal({ search: [NUL] });
      const verify = await shopper.get('/api/orders/verify-payment/?session_id=cs_%00');
      expect(verify.status).to.equal(400);
      expect(verify.body.fields).to.deep.equal({ session_id: [NUL] });
    });

    it('refuses one in a multipart form field', async () => {
      const form = new FormData();
      for (const [name, value] of Object.entries({
        name: 'Goku Tee',
        price: '499',
        category: 'men',
        description: 'Tee\u0000 with a print.',
      })) {
        form.append(name, value);
      }
      const response = await staff.post('/api/products/create/', undefined, { rawBody: form });
      expect(response.status).to.equal(400);
      expect(response.body.fields).to.deep.equal({ description: [NUL] });
    });

    it('refuses one in a property name of a free-form part of the body', async () => {
      const response = await shopper.post('/api/orders/addresses/', { ...ADDRESS, 'x\u0000': 1 });
      expect(response.status).to.equal(400);
      expect(response.body.code).to.equal('validation_error');
    });
  });

  describe('unpaired surrogates (not Unicode; the database would store U+FFFD instead)', () => {
    it('refuses one sent as a JSON escape, and saves nothing', async () => {
      const before = await count('addresses');
      const body = JSON.stringify({ ...ADDRESS, full_name: 'Asha ' }).replace('Asha ', 'Asha \\ud800');
      const response = await shopper.post('/api/orders/addresses/', undefined, {
        rawBody: body,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).to.equal(400);
      expect(response.body.fields).to.deep.equal({ full_name: [SURROGATE] });
      expect(await count('addresses')).to.equal(before);
    });

    it('accepts well-formed text outside the basic plane', async () => {
      const response = await shopper.post('/api/orders/addresses/', { ...ADDRESS, full_name: 'Asha 🎉 Rao' });
      expect(response.status).to.equal(201);
      expect(response.body.full_name).to.equal('Asha 🎉 Rao');
    });
  });

  it('answers a body of 100,000 unknown keys with the first 20 fields and a count of the rest', async () => {
    const body: Record<string, unknown> = { email: 'someone@example.com', password: 'whatever-password' };
    for (let key = 0; key < 100_000; key += 1) body[key.toString(36)] = 0;
    const response = await shopper.post('/api/auth/login/', body);
    expect(response.status).to.equal(400);
    expect(response.body.code).to.equal('validation_error');
    const listed = Object.keys(response.body.fields);
    expect(listed).to.have.length(20);
    for (const field of listed) expect(response.body.fields[field]).to.deep.equal(['Unknown field.']);
    expect(response.body.error).to.equal(`${listed[0]}: Unknown field. (99980 more fields have errors; 20 are listed.)`);
  });

  describe('the URL', () => {
    it('answers 400 naming the path parameter whose percent-encoding is malformed', async () => {
      for (const bad of ['%ZZ', '%E0%A4%A', '%ED%A0%80']) {
        const response = await staff.delete(`/api/products/${bad}/`);
        expect(response.status, bad).to.equal(400);
        expect(response.body.fields, bad).to.deep.equal({ id: ['Malformed percent-encoding in the URL.'] });
      }
      const media = await shopper.get('/media/%ZZ');
      expect(media.status).to.equal(400);
      expect(media.body.fields).to.deep.equal({ filename: ['Malformed percent-encoding in the URL.'] });
    });

    it('still answers 404 for an unknown path with malformed percent-encoding', async () => {
      const response = await shopper.get('/api/%ZZ/');
      expect(response.status).to.equal(404);
    });

    it('hands the handler the integer the spec accepted ("1e3", "0x10") rather than the raw text', async () => {
      const tee = await makeProduct(db());
      const response = await shopper.get(`/api/products/${tee.id}e0/`);
      expect(response.status).to.equal(200);
      expect(response.body.id).to.equal(tee.id);
      for (const id of ['1e3', '0x7fffffff']) {
        const missing = await staff.delete(`/api/products/${id}/`);
        expect(missing.status, id).to.equal(404);
      }
    });

    it('refuses unknown query parameters named like Object.prototype members with 400, not 500', async () => {
      for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        const response = await shopper.get(`/api/cart/?${name}=1`);
        expect(response.status, name).to.equal(400);
        expect(response.body.fields, name).to.deep.equal({ [name]: ['Unknown field.'] });
      }
    });

    it('documents 400 on every operation (an unknown query parameter anywhere)', async () => {
      for (const path of ['/healthz', '/api/openapi.yaml', '/api/docs', '/api/cart/', '/api/cart/wishlist/', '/api/orders/addresses/']) {
        const response = await shopper.get(`${path}?zzz=1`);
        expect(response.status, path).to.equal(400);
      }
      expect((await shopper.delete('/api/cart/clear/?zzz=1')).status).to.equal(400);
    });
  });

  describe('requests the HTTP parser refuses (before the app sees them; fetch cannot send them)', () => {
    /** Sends raw bytes and splits the answer into status, headers and the parsed JSON body. */
    function raw(request: string): Promise<{ status: number; head: string; body: unknown }> {
      const { hostname, port } = new URL(server.url);
      return new Promise((resolve, reject) => {
        const socket = connect(Number(port), hostname, () => socket.write(request));
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
        socket.on('error', reject);
        socket.on('close', () => {
          const [head, body] = [answer.slice(0, answer.indexOf('\r\n\r\n')), answer.slice(answer.indexOf('\r\n\r\n') + 4)];
          resolve({ status: Number(head.split(' ')[1]), head: head.toLowerCase(), body: JSON.parse(body) });
        });
      });
    }

    it('answers a malformed request with 400 in the error schema, with a request id', async () => {
      const answer = await raw('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nNot a header\r\n\r\n');
      expect(answer.status).to.equal(400);
      expect(answer.head)
        .to.include('content-type: application/json')
        .and.to.match(/x-request-id: [0-9a-f-]{36}/);
      expect(answer.body).to.deep.equal({ error: 'Malformed HTTP request.', code: 'bad_request', detail: 'Malformed HTTP request.' });
    });

    it('answers headers or a URL over the size limit with 431 in the error schema', async () => {
      const answer = await raw(`GET /api/products/?search=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      expect(answer.status).to.equal(431);
      expect(answer.body).to.deep.equal({
        error: 'Request headers (or the URL) are too large.',
        code: 'headers_too_large',
        detail: 'Request headers (or the URL) are too large.',
      });
    });
  });

  it('reads the rest of a refused oversized body, so the next request on the connection is served', async () => {
    const response = await shopper.post('/api/cart/add/', { product_id: 1, pad: 'x'.repeat(1_100_000) });
    expect(response.status).to.equal(413);
    expect((await shopper.get('/api/cart/')).status).to.equal(200);
  });

  it('answers a body that does not inflate as its Content-Encoding says with 400, not 500', async () => {
    const response = await shopper.post('/api/cart/add/', undefined, {
      rawBody: '{"product_id": 1}',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(response.status).to.equal(400);
    expect(response.body.code).to.equal('bad_request');
  });

  it('answers a cookie-carrying webhook call from an untrusted origin with the documented 403', async () => {
    const response = await shopper.post('/api/orders/webhook/', { id: 'evt_x', type: 'x' }, { origin: 'null' });
    expect(response.status).to.equal(403);
  });

  describe('correctly signed but malformed Stripe events (a 500 would make Stripe retry for days)', () => {
    const signed = (event: unknown) => {
      const payload = JSON.stringify(event);
      return server.client().post('/api/orders/webhook/', undefined, {
        rawBody: payload,
        origin: null,
        headers: {
          'content-type': 'application/json',
          'stripe-signature': stripeSignature(payload),
        },
      });
    };
    const session = { object: 'checkout.session', id: 'cs_test_unknown', payment_status: 'paid', amount_total: 100, currency: 'inr' };

    it('refuses an event without data, or with an id or type the database cannot store, with 400', async () => {
      const completed = { id: 'evt_test_shape', object: 'event', type: 'checkout.session.completed', data: { object: session } };
      for (const event of [
        { ...completed, data: undefined },
        { ...completed, data: null },
        { ...completed, data: { object: 'text' } },
        { ...completed, id: 'evt_\u0000' },
        { ...completed, id: 'e'.repeat(256) },
        { ...completed, id: 42 },
        { ...completed, type: ['checkout.session.completed'] },
      ]) {
        const response = await signed(event);
        expect(response.status, JSON.stringify(event).slice(0, 80)).to.equal(400);
        expect(response.body).to.deep.equal({ error: 'Malformed Stripe event.', code: 'bad_request', detail: 'Malformed Stripe event.' });
      }
    });

    it('reads a session field of the wrong type as absent, and a session id it cannot store as no session of ours', async () => {
      const wrongTypes = { ...session, currency: 356, amount_total: '100', status: {}, url: [] };
      expect(
        (await signed({ id: 'evt_test_types', object: 'event', type: 'checkout.session.completed', data: { object: wrongTypes } })).status,
      ).to.equal(200);
      const nul = await signed({
        id: 'evt_test_nul_session',
        object: 'event',
        type: 'checkout.session.expired',
        data: { object: { ...session, id: 'cs_\u0000' } },
      });
      expect(nul.status).to.equal(200);
      expect(nul.body).to.deep.equal({ status: 'ignored' });
    });
  });

  it('leaves the signed Stripe webhook body as Stripe wrote it (NUL included)', async () => {
    const payload = JSON.stringify({
      id: 'evt_test_nul',
      object: 'event',
      type: 'customer.updated',
      data: { object: { name: 'A\u0000B' } },
    });
    const response = await server.client().post('/api/orders/webhook/', undefined, {
      rawBody: payload,
      origin: null,
      headers: {
        'content-type': 'application/json',
        'stripe-signature': stripeSignature(payload),
      },
    });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ status: 'ignored' });
  });

  describe('X-Forwarded-For behind the reverse proxy (TRUST_PROXY)', () => {
    let proxied: TestServer;
    before(async () => {
      proxied = await startServer({ TRUST_PROXY: 'true', THROTTLE_LOGIN: '2/15m' });
    });
    after(() => proxied.close());
    const attempt = (forwardedFor: string, email = 'nobody@example.com') =>
      proxied.client({ 'x-forwarded-for': forwardedFor }).post('/api/auth/login/', { email, password: 'wrong-password' });

    it('reads an address that is not an IP, however long, as the connection’s own', async () => {
      const response = await attempt('x'.repeat(8000), 'long-forwarded@example.com');
      expect(response.status).to.equal(400);
      expect(response.body.error).to.equal('Invalid credentials');
    });

    it('throttles by the address the proxy appended, not by what the client put before it', async () => {
      const statuses: number[] = [];
      for (const madeUp of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) {
        statuses.push((await attempt(`${madeUp}, 10.20.30.40`, 'spoofed-forwarded@example.com')).status);
      }
      expect(statuses).to.deep.equal([400, 400, 429]);
    });
  });
});
