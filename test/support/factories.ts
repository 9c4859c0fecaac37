// Test data written straight to the database, so each test states only what it is about.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { openSession } from '../../src/accounts/session-tokens.js';
import type { SessionUser } from '../../src/services.js';
import { slugify } from '../../src/catalogue/slug.js';
import { TEST_SECRET, type TestServer } from './server.js';
import type { Client } from './client.js';

export const unique = (prefix = 'x') => `${prefix}${randomBytes(5).toString('hex')}`;

export interface ProductFields {
  name?: string;
  price?: string;
  category?: 'men' | 'women';
  image?: string | null;
  description?: string;
  stock?: number;
  created_at?: Date;
}

export async function makeProduct(db: Knex, fields: ProductFields = {}) {
  const name = fields.name ?? `Test Tee ${unique()}`;
  const [row] = await db('products')
    .insert({
      name,
      slug: `${await slugify(name)}-${unique('')}`,
      price: fields.price ?? '499.00',
      category: fields.category ?? 'men',
      image: fields.image === undefined ? 'https://images.example-cdn.com/test.jpg' : fields.image,
      description: fields.description ?? 'A plain cotton tee for tests.',
      stock: fields.stock ?? 10,
      ...(fields.created_at ? { created_at: fields.created_at, updated_at: fields.created_at } : {}),
    })
    .returning('*');
  return row as { id: number; name: string; slug: string; price: string; stock: number; category: string };
}

export interface UserFields {
  email?: string;
  is_staff?: boolean;
  email_verified?: boolean;
  password?: string | null;
}

export async function makeUser(db: Knex, fields: UserFields = {}): Promise<SessionUser> {
  const [row] = await db('users')
    .insert({
      email: (fields.email ?? `${unique('user')}@example.com`).toLowerCase(),
      password: fields.password ?? null,
      first_name: 'Test',
      last_name: 'User',
      is_staff: fields.is_staff ?? false,
      email_verified: fields.email_verified ?? true,
    })
    .returning(['id', 'email', 'first_name', 'last_name', 'is_staff', 'email_verified']);
  return row as SessionUser;
}

/** An access token of a real login session of the user (for `Authorization: Bearer`). */
export async function accessTokenFor(server: TestServer, user: SessionUser): Promise<string> {
  return (await openSession(server.services.db, TEST_SECRET, user.id)).access;
}

/**
 * A client that is logged in as the user through the `access` cookie, as the storefront is. It
 * opens a real login session (access tokens name it, and a revoked session ends them).
 */
export async function clientAs(server: TestServer, user: SessionUser): Promise<Client> {
  const client = server.client();
  client.cookies.set('access', await accessTokenFor(server, user));
  return client;
}

/** A new user and a client logged in as them. */
export async function signedInUser(server: TestServer, fields: UserFields = {}): Promise<{ user: SessionUser; client: Client }> {
  const user = await makeUser(server.services.db, fields);
  return { user, client: await clientAs(server, user) };
}

/** A client logged in as a new user, for tests that never need the user itself. */
export async function shopper(server: TestServer, fields: UserFields = {}): Promise<Client> {
  return (await signedInUser(server, fields)).client;
}

/** A client logged in as a new staff user. */
export const staffClient = (server: TestServer) => shopper(server, { is_staff: true });
