// The owner is part of the DELETE's WHERE: another user's address id deletes nothing and answers
// 404. Orders keep their own copy of the address, so deleting never changes a past order.
// RETURNING tells what was deleted on both drivers (knex-pglite's del() does not answer a count).
import { notFound } from '../../http/errors.js';
import type { Operation } from '../../services.js';
import { Address } from './address.model.js';

export const deleteAddress: Operation<'deleteAddress'> = {
  async handle({ params, user, services }) {
    const deleted = await Address.query(services.db).delete().where({ id: params.id, user_id: user.id }).returning('id');
    if (deleted.length === 0) throw notFound('Address not found.');
    return { status: 204, body: undefined };
  },
};
