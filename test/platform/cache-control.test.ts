// Answers that depend on who asks must never be kept by a browser's or a shared cache: a proxy
// serving one shopper's cart, orders or session cookies to the next is a data leak.
import { expect } from 'chai';
import { clientFrom } from '../accounts/support.js';
import { makeProduct, unique } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';

describe('Cache-Control on personal answers', () => {
  const suite = serverForSuite(() => ({ TRUST_PROXY: 'true' }));

  it('sends no-store on every answer that depends on the session, and on every answer that sets a cookie', async () => {
    const client = clientFrom(suite.server);
    const email = `${unique('cache')}@example.com`;
    const answers = {
      register: await client.post('/api/auth/register/', { email, password: 'correct-horse' }),
      me: await client.get('/api/auth/me/'),
      cart: await client.get('/api/cart/'),
      wishlist: await client.get('/api/cart/wishlist/'),
      orders: await client.get('/api/orders/my/'),
      addresses: await client.get('/api/orders/addresses/'),
      refresh: await client.post('/api/auth/refresh/'),
      logout: await client.post('/api/auth/logout/'),
      login: await client.post('/api/auth/login/', { email, password: 'correct-horse' }),
      guestMe: await clientFrom(suite.server).get('/api/auth/me/'),
    };
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer.status, name).to.be.below(500);
      expect(answer.headers.get('cache-control'), name).to.equal('no-store');
    }
    for (const name of ['register', 'refresh', 'logout', 'login'] as const) {
      expect(answers[name].headers.getSetCookie(), name).not.to.deep.equal([]);
    }
  });

  it('leaves the public catalogue cacheable', async () => {
    const product = await makeProduct(suite.db);
    const signedIn = clientFrom(suite.server);
    await signedIn.post('/api/auth/register/', { email: `${unique('cache')}@example.com`, password: 'correct-horse' });
    for (const client of [clientFrom(suite.server), signedIn]) {
      const list = await client.get('/api/products/');
      const detail = await client.get(`/api/products/${product.id}/`);
      expect(list.headers.get('cache-control')).to.match(/^public/);
      expect(detail.headers.get('cache-control')).to.match(/^public/);
    }
  });
});
