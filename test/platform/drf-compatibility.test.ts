// The members of error bodies that clients written for the original Django REST framework backend
// read: the storefront treats a 401 as "just a guest" only when `detail` is DRF's exact text (any
// other 401 sends it through refresh and a forced logout), shows `detail` on a failed login,
// `email[0]` / `password[0]` on a failed registration, and `error` on a failed order.
import { expect } from 'chai';
import { errorBody } from '../../src/http/errors.js';
import { clientFrom } from '../accounts/support.js';
import { makeProduct, shopper, unique } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';
import { placeCodOrder } from '../orders/support.js';

describe('error bodies a Django REST framework client can read', () => {
  const suite = serverForSuite(() => ({ TRUST_PROXY: 'true' }));

  it("answers a guest's GET /api/auth/me/ with DRF's exact no-credentials text in detail", async () => {
    const me = await clientFrom(suite.server).get('/api/auth/me/');
    expect(me.status).to.equal(401);
    expect(me.body.detail).to.equal('Authentication credentials were not provided.');
    expect(me.body.error).to.equal(me.body.detail);
    expect(me.body.code).to.equal('not_authenticated');
  });

  it("answers a bad token with DRF's invalid-token text, so the client refreshes instead of treating it as a guest", async () => {
    const client = clientFrom(suite.server);
    client.cookies.set('access', 'not.a.jwt');
    const me = await client.get('/api/auth/me/');
    expect(me.status).to.equal(401);
    expect(me.body.detail).to.equal('Given token not valid for any token type');
    const bearer = await clientFrom(suite.server).get('/api/auth/me/', { headers: { authorization: 'Bearer nonsense' } });
    expect(bearer.body.detail).to.equal('Given token not valid for any token type');
  });

  it('shows a failed login in detail', async () => {
    const answer = await clientFrom(suite.server).post('/api/auth/login/', {
      email: `${unique('nobody')}@example.com`,
      password: 'wrong-password',
    });
    expect(answer.status).to.be.oneOf([400, 401]);
    expect(answer.body.detail).to.be.a('string').that.is.not.equal('');
    expect(answer.body.detail).to.equal(answer.body.error);
  });

  it('puts registration field errors at the top level as DRF did (email[0], password[0]) as well as in fields', async () => {
    const bad = await clientFrom(suite.server).post('/api/auth/register/', { email: 'not-an-email', password: 'short' });
    expect(bad.status).to.equal(400);
    expect(bad.body.email[0]).to.equal(bad.body.fields.email[0]);
    expect(bad.body.password[0]).to.equal(bad.body.fields.password[0]);
    expect(bad.body.email[0]).to.be.a('string').that.is.not.equal('');

    const email = `${unique('dup')}@example.com`;
    expect((await clientFrom(suite.server).post('/api/auth/register/', { email, password: 'correct-horse' })).status).to.equal(201);
    const duplicate = await clientFrom(suite.server).post('/api/auth/register/', { email, password: 'correct-horse' });
    expect(duplicate.status).to.equal(400);
    expect(duplicate.body.email).to.deep.equal(['A user with this email already exists.']);
  });

  it('keeps the shape\'s own members when a field is named "error", "code", "detail" or "fields"', async () => {
    const answer = await clientFrom(suite.server).get('/api/products/?error=1&code=2&detail=3&fields=4&other=5');
    expect(answer.status).to.equal(400);
    expect(answer.body.code).to.equal('validation_error');
    expect(answer.body.error).to.be.a('string');
    expect(answer.body.detail).to.equal(answer.body.error);
    expect(Object.keys(answer.body.fields)).to.include.members(['error', 'code', 'detail', 'fields', 'other']);
    expect(answer.body.other).to.deep.equal(answer.body.fields.other);
    // Built directly too: a field named like a member never replaces it.
    expect(errorBody('Bad.', 'validation_error', { error: ['x'], detail: ['y'], fields: ['z'], code: ['w'] })).to.deep.include({
      error: 'Bad.',
      code: 'validation_error',
      detail: 'Bad.',
    });
  });

  it("shows a failed order's reason in error (the payment page)", async () => {
    const client = await shopper(suite.server);
    const product = await makeProduct(suite.db, { stock: 1 });
    const answer = await placeCodOrder(client, product.id, 2);
    expect(answer.status).to.equal(400);
    expect(answer.body.error).to.match(/Only 1 available/);
    expect(answer.body.detail).to.equal(answer.body.error);
  });
});
