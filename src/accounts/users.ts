// Reading users for the account operations. Emails are stored lower-case (a CHECK in the schema
// enforces it), so every lookup lower-cases what the client typed.
import type { Knex } from 'knex';
import type { SessionUser } from '../services.js';

export const SESSION_USER_COLUMNS = ['id', 'email', 'first_name', 'last_name', 'is_staff', 'email_verified'] as const;

export interface UserWithSecret extends SessionUser {
  password: string | null;
  is_active: boolean;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export async function findUserByEmail(db: Knex, email: string): Promise<UserWithSecret | undefined> {
  return db('users')
    .select([...SESSION_USER_COLUMNS, 'password', 'is_active'])
    .where({ email: normaliseEmail(email) })
    .first();
}
