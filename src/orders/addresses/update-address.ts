// The owner is part of the UPDATE's WHERE: another user's address id changes nothing and answers 404.
import { notFound } from '../../http/errors.js';
import type { Operation } from '../../services.js';
import { Address, ADDRESS_COLUMNS, toAddressResponse, trimmedFields } from './address.model.js';

export const updateAddress: Operation<'updateAddress'> = {
  async handle({ params, body, user, services }) {
    const [address] = await Address.query(services.db)
      .patch(trimmedFields(body))
      .where({ id: params.id, user_id: user.id })
      .returning([...ADDRESS_COLUMNS]);
    if (!address) throw notFound('Address not found.');
    return { status: 200, body: toAddressResponse(address) };
  },
};
