// The address book: each field's rule with the message the storefront shows for it, surrounding
// whitespace removed, and other users' addresses unreachable (404, untouched).
import { expect } from 'chai';
import type { Client } from '../support/client.js';
import { makeUser, shopper } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';

const ASHA = { full_name: 'Asha Rao', phone: '9876543210', street: '12 MG Road, Indiranagar', city: 'Bengaluru', pincode: '560038' };

const MESSAGES = {
  full_name: 'Full name must be 2 to 100 characters.',
  phone: 'Phone number must be exactly 10 digits.',
  street: 'Street must be 5 to 255 characters.',
  city: 'City must be 2 to 100 characters.',
  pincode: 'Pincode must be exactly 6 digits.',
};

/** Every rule of the spec, each with values just outside it and one just inside. */
const RULES: Array<{ field: keyof typeof MESSAGES; bad: unknown[]; good: string[] }> = [
  { field: 'full_name', bad: ['A', 'x'.repeat(101), '  A  ', '   ', '', 42], good: ['Al', 'x'.repeat(100)] },
  {
    field: 'phone',
    bad: ['987654321', '98765432100', '98765 43210', '+919876543', 'abcdefghij', '９８７６５４３２１０', 9876543210],
    good: ['0000000000'],
  },
  { field: 'street', bad: ['MG R', 'x'.repeat(256), ' 12 ', '    \t   '], good: ['MG Rd', 'x'.repeat(255)] },
  { field: 'city', bad: ['B', 'x'.repeat(101), ' B ', ''], good: ['Ba', 'x'.repeat(100)] },
  { field: 'pincode', bad: ['56003', '5600381', '56003a', '560 038', 560038], good: ['000000'] },
];

describe('addresses', () => {
  const suite = serverForSuite();

  async function saved(client: Client, fields: Partial<typeof ASHA> = {}): Promise<number> {
    const response = await client.post('/api/orders/addresses/', { ...ASHA, ...fields });
    expect(response.status).to.equal(201);
    return response.body.id as number;
  }

  describe('create and list', () => {
    it('saves an address (201) and lists the user’s addresses, newest first', async () => {
      const client = await shopper(suite.server);
      const created = await client.post('/api/orders/addresses/', ASHA);
      expect(created.status).to.equal(201);
      expect(created.body).to.deep.equal({ id: created.body.id, ...ASHA });
      const second = await saved(client, { city: 'Mysuru' });
      const list = await client.get('/api/orders/addresses/');
      expect(list.status).to.equal(200);
      expect(list.body.map((address: { id: number }) => address.id)).to.deep.equal([second, created.body.id]);
      expect(list.body[0].city).to.equal('Mysuru');
    });

    it('lists nothing for a user without addresses', async () => {
      const response = await (await shopper(suite.server)).get('/api/orders/addresses/');
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal([]);
    });

    it('removes surrounding whitespace of every field before storing', async () => {
      const client = await shopper(suite.server);
      const response = await client.post('/api/orders/addresses/', {
        full_name: '  Asha Rao ',
        phone: ' 9876543210\t',
        street: '\n12 MG Road, Indiranagar  ',
        city: ' Bengaluru',
        pincode: '560038 ',
      });
      expect(response.status).to.equal(201);
      expect(response.body).to.deep.equal({ id: response.body.id, ...ASHA });
      expect(
        await suite.db('addresses').where({ id: response.body.id }).first('full_name', 'phone', 'street', 'city', 'pincode'),
      ).to.deep.equal(ASHA);
    });

    for (const rule of RULES) {
      for (const value of rule.bad) {
        it(`refuses ${rule.field} ${JSON.stringify(value)} with the field’s message`, async () => {
          const client = await shopper(suite.server);
          const response = await client.post('/api/orders/addresses/', { ...ASHA, [rule.field]: value });
          expect(response.status).to.equal(400);
          expect(response.body.code).to.equal('validation_error');
          expect(response.body.fields).to.deep.equal({ [rule.field]: [MESSAGES[rule.field]] });
          expect(response.body.error).to.equal(`${rule.field}: ${MESSAGES[rule.field]}`);
          expect((await client.get('/api/orders/addresses/')).body).to.deep.equal([]);
        });
      }
      it(`accepts ${rule.field} at the edges of its rule`, async () => {
        const client = await shopper(suite.server);
        for (const value of rule.good) {
          const response = await client.post('/api/orders/addresses/', { ...ASHA, [rule.field]: value });
          expect(response.status, value).to.equal(201);
          expect(response.body[rule.field]).to.equal(value);
        }
      });
    }

    it('names every missing field, and every wrong field at once', async () => {
      const client = await shopper(suite.server);
      const empty = await client.post('/api/orders/addresses/', {});
      expect(empty.status).to.equal(400);
      expect(empty.body.fields).to.deep.equal(Object.fromEntries(Object.keys(ASHA).map((field) => [field, ['This field is required.']])));
      const allWrong = await client.post('/api/orders/addresses/', { full_name: 'A', phone: '1', street: 'x', city: 'B', pincode: '1' });
      expect(allWrong.body.fields).to.deep.equal(
        Object.fromEntries(Object.entries(MESSAGES).map(([field, message]) => [field, [message]])),
      );
    });

    it('refuses unknown fields (a user_id cannot be smuggled in)', async () => {
      const client = await shopper(suite.server);
      const other = await makeUser(suite.db);
      const response = await client.post('/api/orders/addresses/', { ...ASHA, user_id: other.id });
      expect(response.status).to.equal(400);
      expect(response.body.fields).to.deep.equal({ user_id: ['Unknown field.'] });
      expect(await suite.db('addresses').where({ user_id: other.id }).first()).to.equal(undefined);
    });
  });

  describe('PATCH /api/orders/addresses/{id}/', () => {
    it('changes only the given fields (trimmed) and answers the address', async () => {
      const client = await shopper(suite.server);
      const id = await saved(client);
      const response = await client.patch(`/api/orders/addresses/${id}/`, { city: ' Mysuru ', pincode: '570001' });
      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({ id, ...ASHA, city: 'Mysuru', pincode: '570001' });
      expect((await client.get('/api/orders/addresses/')).body).to.deep.equal([response.body]);
    });

    it('refuses an empty change', async () => {
      const client = await shopper(suite.server);
      const id = await saved(client);
      const response = await client.patch(`/api/orders/addresses/${id}/`, {});
      expect(response.status).to.equal(400);
      expect(response.body.error).to.equal('Provide at least one field to change.');
    });

    for (const rule of RULES) {
      it(`applies the ${rule.field} rule with its message, leaving the address as it was`, async () => {
        const client = await shopper(suite.server);
        const id = await saved(client);
        for (const value of rule.bad) {
          const response = await client.patch(`/api/orders/addresses/${id}/`, { [rule.field]: value });
          expect(response.status, JSON.stringify(value)).to.equal(400);
          expect(response.body.fields).to.deep.equal({ [rule.field]: [MESSAGES[rule.field]] });
        }
        expect((await client.get('/api/orders/addresses/')).body).to.deep.equal([{ id, ...ASHA }]);
      });
    }

    it('answers 404 for an unknown address', async () => {
      const response = await (await shopper(suite.server)).patch('/api/orders/addresses/2000000000/', { city: 'Mysuru' });
      expect(response.status).to.equal(404);
      expect(response.body).to.deep.equal({ error: 'Address not found.', code: 'not_found', detail: 'Address not found.' });
    });
  });

  describe('DELETE /api/orders/addresses/{id}/', () => {
    it('deletes (204, no body); deleting again answers 404', async () => {
      const client = await shopper(suite.server);
      const keep = await saved(client);
      const drop = await saved(client, { full_name: 'Ravi Kumar' });
      const response = await client.delete(`/api/orders/addresses/${drop}/`);
      expect(response.status).to.equal(204);
      expect(response.text).to.equal('');
      expect((await client.get('/api/orders/addresses/')).body.map((address: { id: number }) => address.id)).to.deep.equal([keep]);
      const again = await client.delete(`/api/orders/addresses/${drop}/`);
      expect(again.status).to.equal(404);
      expect(again.body).to.deep.equal({ error: 'Address not found.', code: 'not_found', detail: 'Address not found.' });
    });

    it('answers 400 for an id that is not a positive integer in range', async () => {
      const client = await shopper(suite.server);
      for (const id of ['abc', '0', '-3', '99999999999']) {
        const response = await client.delete(`/api/orders/addresses/${id}/`);
        expect(response.status, id).to.equal(400);
        expect(response.body.fields).to.have.property('id');
      }
    });
  });

  describe('another user’s address', () => {
    let owner: Client;
    let intruder: Client;
    let addressId: number;
    let stored: unknown;

    before(async () => {
      owner = await shopper(suite.server);
      intruder = await shopper(suite.server);
      addressId = await saved(owner);
      await saved(intruder, { full_name: 'Intruder' });
      stored = await suite.db('addresses').where({ id: addressId }).first();
    });
    afterEach(async () => {
      expect(await suite.db('addresses').where({ id: addressId }).first(), 'the owner’s address is untouched').to.deep.equal(stored);
    });

    it('is not listed', async () => {
      const list = (await intruder.get('/api/orders/addresses/')).body as { id: number; full_name: string }[];
      expect(list.map((address) => address.full_name)).to.deep.equal(['Intruder']);
    });

    it('cannot be changed (404)', async () => {
      const response = await intruder.patch(`/api/orders/addresses/${addressId}/`, { city: 'Elsewhere' });
      expect(response.status).to.equal(404);
      expect(response.body).to.deep.equal({ error: 'Address not found.', code: 'not_found', detail: 'Address not found.' });
    });

    it('cannot be deleted (404)', async () => {
      const response = await intruder.delete(`/api/orders/addresses/${addressId}/`);
      expect(response.status).to.equal(404);
      expect(response.body).to.deep.equal({ error: 'Address not found.', code: 'not_found', detail: 'Address not found.' });
    });
  });

  it('is held to the minimum lengths and formats by the database too', async () => {
    const user = await makeUser(suite.db);
    for (const [field, value] of [
      ['full_name', 'A'],
      ['street', 'MG R'],
      ['city', 'B'],
      ['phone', '98765'],
      ['pincode', '5600'],
    ] as const) {
      let code: string | undefined;
      try {
        await suite.db('addresses').insert({ ...ASHA, [field]: value, user_id: user.id });
      } catch (error) {
        code = (error as { code?: string }).code;
      }
      expect(code, field).to.equal('23514');
    }
  });

  describe('without a session', () => {
    const calls: Array<[string, (client: Client) => Promise<{ status: number; body: { code: string } }>]> = [
      ['GET', (client) => client.get('/api/orders/addresses/')],
      ['POST', (client) => client.post('/api/orders/addresses/', ASHA)],
      ['PATCH', (client) => client.patch('/api/orders/addresses/1/', { city: 'Mysuru' })],
      ['DELETE', (client) => client.delete('/api/orders/addresses/1/')],
    ];
    for (const [method, call] of calls) {
      it(`${method} answers 401 and writes nothing`, async () => {
        const before = await suite.db('addresses').count({ n: '*' });
        const response = await call(suite.server.client());
        expect(response.status).to.equal(401);
        expect(response.body.code).to.equal('not_authenticated');
        expect(await suite.db('addresses').count({ n: '*' })).to.deep.equal(before);
      });
    }
  });
});
