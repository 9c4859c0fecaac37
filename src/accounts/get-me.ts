import type { Operation } from '../services.js';
import { toUserResponse } from './user.model.js';

export const getMe: Operation<'getMe'> = {
  async handle({ user }) {
    return { status: 200, body: toUserResponse(user) };
  },
};
