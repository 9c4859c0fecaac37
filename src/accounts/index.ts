// Accounts: users, cookie/bearer sessions, Google sign-in, e-mail verification, password reset.
import type { OperationTable } from '../services.js';
import { getMe } from './get-me.js';
import { googleLogin } from './google-login.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { confirmPasswordReset, requestPasswordReset } from './password-reset.js';
import { refreshSession } from './refresh.js';
import { register } from './register.js';
import { resendVerification, verifyEmail } from './verify-email.js';

export const accountOperations = {
  register,
  login,
  googleLogin,
  refreshSession,
  logout,
  getMe,
  verifyEmail,
  resendVerification,
  requestPasswordReset,
  confirmPasswordReset,
} satisfies Partial<OperationTable>;
