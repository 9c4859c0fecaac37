import { operation } from '../http/operation.js';
import { toUserResponse } from './user.model.js';

export const getMe = operation<'getMe'>({
  async handle({ user }) {
    return { status: 200, body: toUserResponse(user) };
  },
});
