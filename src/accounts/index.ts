// Accounts: users, cookie/bearer sessions, Google sign-in, e-mail verification, password reset.
import type { OperationTable } from '../http/operation.js';
import { getMe } from './get-me.js';

export const accountOperations: OperationTable = {
  register: 'not-implemented',
  login: 'not-implemented',
  googleLogin: 'not-implemented',
  refreshSession: 'not-implemented',
  logout: 'not-implemented',
  getMe,
  verifyEmail: 'not-implemented',
  resendVerification: 'not-implemented',
  requestPasswordReset: 'not-implemented',
  confirmPasswordReset: 'not-implemented',
};
