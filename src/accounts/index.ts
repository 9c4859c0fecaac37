// Accounts: users, cookie/bearer sessions, Google sign-in, e-mail verification, password reset.
import type { OperationTable } from '../services.js';
import { emailVerificationOperations } from './email-verification.js';
import { googleSignInOperations } from './google-sign-in.js';
import { passwordResetOperations } from './password-reset.js';
import { sessionOperations } from './sessions.js';

export const accountOperations = {
  ...sessionOperations,
  ...googleSignInOperations,
  ...emailVerificationOperations,
  ...passwordResetOperations,
} satisfies Partial<OperationTable>;
