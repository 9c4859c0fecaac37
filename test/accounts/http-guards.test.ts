// CSRF refusal of cookie-authenticated writes from untrusted
// origins, CORS for FRONTEND_URL's origins only, and ALLOWED_HOSTS on the Host header.
import { expect } from 'chai';
import { clientAs, makeUser } from '../support/factories.js';
import { FRONTEND_ORIGIN, type Client } from '../support/client.js';
import type { TestServer } from '../support/server.js';
import { startAccountsServer } from './support.js';

describe('accounts: CSRF, CORS and allowed hosts', () => {
  let server: TestServer;
  let client: Client;
  before(async () => {
    server = await startAccountsServer({ FRONTEND_URL: `${FRONTEND_ORIGIN},https://shop.example.com` });
  });
  beforeEach(async () => {
    client = await clientAs(server, await makeUser(server.services.db, { email_verified: false }));
  });
  after(() => server.close());

  // resend-verification: a cookie-authenticated write that succeeds when allowed.
  const write = (options: Parameters<Client['post']>[2]) => client.post('/api/auth/resend-verification/', undefined, options);

  describe('CSRF', () => {
    it('refuses a cookie-authenticated write from a foreign Origin with 403', async () => {
      const answer = await write({ origin: 'https://evil.example.net' });
      expect(answer.status).to.equal(403);
      expect(answer.body).to.deep.equal({
        error: 'Request origin is not trusted.',
        code: 'forbidden',
        detail: 'Request origin is not trusted.',
      });
      // ...also on operations without authentication, such as logout: the session survives.
      expect((await client.post('/api/auth/logout/', undefined, { origin: 'null' })).status).to.equal(403);
      expect((await client.get('/api/auth/me/')).status).to.equal(200);
    });

    it("allows FRONTEND_URL's origins and the API's own origin", async () => {
      for (const origin of [FRONTEND_ORIGIN, 'https://shop.example.com', server.url]) {
        expect((await write({ origin })).status, origin).to.equal(200);
      }
    });

    it('without Origin, allows Sec-Fetch-Site same-origin or none and refuses the rest', async () => {
      expect((await write({ origin: null, headers: { 'sec-fetch-site': 'same-origin' } })).status).to.equal(200);
      expect((await write({ origin: null, headers: { 'sec-fetch-site': 'none' } })).status).to.equal(200);
      expect((await write({ origin: null, headers: { 'sec-fetch-site': 'cross-site' } })).status).to.equal(403);
      expect((await write({ origin: null, headers: { 'sec-fetch-site': 'same-site' } })).status).to.equal(403);
      expect((await write({ origin: null })).status).to.equal(403);
    });

    it('exempts Bearer-authenticated requests and requests without a session cookie', async () => {
      const bearer = server.client({ authorization: `Bearer ${client.cookies.get('access')}` });
      expect((await bearer.post('/api/auth/resend-verification/', undefined, { origin: 'https://evil.example.net' })).status).to.equal(200);
      const anonymous = server.client({ 'x-forwarded-for': '10.9.9.9' });
      const login = await anonymous.post(
        '/api/auth/login/',
        { email: 'nobody@example.com', password: 'whatever1' },
        { origin: 'https://evil.example.net' },
      );
      expect(login.status).to.equal(400);
    });

    it('leaves reads alone', async () => {
      expect((await client.get('/api/auth/me/', { headers: { origin: 'https://evil.example.net' } })).status).to.equal(200);
    });
  });

  describe('CORS', () => {
    it('grants the frontend origin credentials and exposes the headers it reads', async () => {
      const answer = await client.get('/api/auth/me/', { headers: { origin: FRONTEND_ORIGIN } });
      expect(answer.headers.get('access-control-allow-origin')).to.equal(FRONTEND_ORIGIN);
      expect(answer.headers.get('access-control-allow-credentials')).to.equal('true');
      expect(answer.headers.get('access-control-expose-headers')).to.include('X-Request-Id');
    });

    it('keeps CORS headers on errors, so the storefront can read them', async () => {
      const answer = await server.client().get('/api/auth/me/', { headers: { origin: FRONTEND_ORIGIN } });
      expect(answer.status).to.equal(401);
      expect(answer.headers.get('access-control-allow-origin')).to.equal(FRONTEND_ORIGIN);
    });

    it('gives other origins no CORS headers at all', async () => {
      const answer = await client.get('/api/auth/me/', { headers: { origin: 'https://evil.example.net' } });
      expect(answer.status).to.equal(200);
      for (const [name] of answer.headers) expect(name).not.to.match(/^access-control-/);
    });

    it('answers a preflight from the frontend, and not one from elsewhere', async () => {
      const preflight = (origin: string) =>
        server.client().request('OPTIONS', '/api/cart/add/', {
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
        });
      const allowed = await preflight('https://shop.example.com');
      expect(allowed.status).to.equal(204);
      expect(allowed.headers.get('access-control-allow-origin')).to.equal('https://shop.example.com');
      expect(allowed.headers.get('access-control-allow-credentials')).to.equal('true');
      expect(allowed.headers.get('access-control-allow-methods')).to.include('POST');
      expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).to.include('content-type');

      const refused = await preflight('https://evil.example.net');
      expect(refused.status).to.equal(405);
      for (const [name] of refused.headers) expect(name).not.to.match(/^access-control-/);
    });
  });

  describe('ALLOWED_HOSTS', () => {
    it('answers 400 for a Host not in the list, and serves the listed ones', async () => {
      const strict = await startAccountsServer({ ALLOWED_HOSTS: 'api.example.com' });
      const exact = await startAccountsServer({ ALLOWED_HOSTS: 'api.example.com, 127.0.0.1' });
      const domain = await startAccountsServer({ ALLOWED_HOSTS: '.0.0.1' });
      try {
        const refused = await strict.client().post('/api/auth/login/', { email: 'a@example.com', password: 'whatever1' });
        expect(refused.status).to.equal(400);
        expect(refused.body).to.deep.equal({ error: 'Invalid Host header.', code: 'bad_request', detail: 'Invalid Host header.' });
        const refusedRead = await strict.client().get('/api/products/');
        expect(refusedRead.status).to.equal(400);
        expect((await exact.client().get('/api/products/')).status).to.equal(200);
        expect((await domain.client().get('/api/products/')).status).to.equal(200);
      } finally {
        await Promise.all([strict.close(), exact.close(), domain.close()]);
      }
    });
  });
});
