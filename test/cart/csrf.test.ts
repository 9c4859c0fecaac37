// The cart, wishlist and address-book writes follow the accounts' CSRF rule: a cookie-authenticated
// write from a page outside FRONTEND_URL answers 403 and changes nothing; the same write from the
// storefront goes through.
import { expect } from 'chai';
import type { Client } from '../support/client.js';
import { makeProduct, shopper } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';

const ADDRESS = { full_name: 'Asha Rao', phone: '9876543210', street: '12 MG Road, Indiranagar', city: 'Bengaluru', pincode: '560038' };
const EVIL = 'https://evil.example.net';

describe('cart, wishlist and addresses: cross-site writes (CSRF)', () => {
  const suite = serverForSuite();
  let victim: Client;
  let lineId: number;
  let wishId: number;
  let addressId: number;
  let productId: number;
  let otherProductId: number;

  const state = async () => ({
    cart: (await victim.get('/api/cart/')).body,
    wishlist: (await victim.get('/api/cart/wishlist/')).body,
    addresses: (await victim.get('/api/orders/addresses/')).body,
  });

  before(async () => {
    victim = await shopper(suite.server);
    productId = (await makeProduct(suite.db, { stock: 20 })).id;
    otherProductId = (await makeProduct(suite.db, { stock: 20 })).id;
    expect((await victim.post('/api/cart/add/', { product_id: productId, quantity: 2 })).status).to.equal(200);
    expect((await victim.post('/api/cart/wishlist/add/', { product_id: productId })).status).to.equal(200);
    lineId = (await victim.get('/api/cart/')).body.items[0].id;
    wishId = (await victim.get('/api/cart/wishlist/')).body.items[0].id;
    addressId = (await victim.post('/api/orders/addresses/', ADDRESS)).body.id;
  });

  const writes: Array<[string, (origin: string) => Promise<{ status: number; body: any }>]> = [
    ['POST /api/cart/add/', (origin) => victim.post('/api/cart/add/', { product_id: otherProductId }, { origin })],
    ['PATCH /api/cart/update/{item_id}/', (origin) => victim.patch(`/api/cart/update/${lineId}/`, { quantity: 5 }, { origin })],
    ['DELETE /api/cart/remove/{item_id}/', (origin) => victim.delete(`/api/cart/remove/${lineId}/`, { origin })],
    ['DELETE /api/cart/clear/', (origin) => victim.delete('/api/cart/clear/', { origin })],
    ['POST /api/cart/wishlist/add/', (origin) => victim.post('/api/cart/wishlist/add/', { product_id: otherProductId }, { origin })],
    ['DELETE /api/cart/wishlist/remove/{item_id}/', (origin) => victim.delete(`/api/cart/wishlist/remove/${wishId}/`, { origin })],
    ['POST /api/orders/addresses/', (origin) => victim.post('/api/orders/addresses/', { ...ADDRESS, city: 'Mysuru' }, { origin })],
    ['PATCH /api/orders/addresses/{id}/', (origin) => victim.patch(`/api/orders/addresses/${addressId}/`, { city: 'Mysuru' }, { origin })],
    ['DELETE /api/orders/addresses/{id}/', (origin) => victim.delete(`/api/orders/addresses/${addressId}/`, { origin })],
  ];

  it('refuses every write from a foreign origin with 403 and changes nothing', async () => {
    const before0 = await state();
    for (const [name, write] of writes) {
      const answer = await write(EVIL);
      expect(answer.status, name).to.equal(403);
      expect(answer.body, name).to.deep.equal({
        error: 'Request origin is not trusted.',
        code: 'forbidden',
        detail: 'Request origin is not trusted.',
      });
    }
    expect(await state()).to.deep.equal(before0);
  });

  it('lets the same writes through from the storefront (the refusal above is the origin, not the request)', async () => {
    for (const [name, write] of writes) {
      const answer = await write(suite.server.services.config.frontendOrigins[0]!);
      expect(answer.status, name).to.be.oneOf([200, 201, 204]);
    }
  });
});
