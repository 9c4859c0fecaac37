// What a browser on the storefront's origin may send and read: a preflight must allow every
// request header the API documents, and answers must expose every header a client reads.
import { expect } from 'chai';
import { FRONTEND_ORIGIN } from '../support/client.js';
import { serverForSuite } from '../support/server.js';

describe('CORS for the storefront', () => {
  const suite = serverForSuite();

  it("lets a preflight for an order with Idempotency-Key and the API's other request headers through", async () => {
    const requested = ['content-type', 'authorization', 'idempotency-key', 'if-none-match', 'x-request-id'];
    const preflight = await suite.server.client().request('OPTIONS', '/api/orders/create/', {
      headers: { origin: FRONTEND_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': requested.join(',') },
    });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get('access-control-allow-origin')).to.equal(FRONTEND_ORIGIN);
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(allowed).to.include.members(requested);
  });

  it('exposes the response headers clients read (request id, paging, ETag, Retry-After, Location)', async () => {
    const answer = await suite.server.client().get('/api/products/?limit=1', { headers: { origin: FRONTEND_ORIGIN } });
    expect(answer.status).to.equal(200);
    const exposed = (answer.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(exposed).to.include.members(['x-request-id', 'x-total-count', 'link', 'etag', 'retry-after', 'location']);
  });
});
