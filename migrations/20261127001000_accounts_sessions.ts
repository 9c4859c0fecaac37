// Server-side state of accounts: login sessions with their refresh tokens (so refresh can rotate,
// detect reuse and be revoked), throttle buckets shared by every server process, and the
// single-use records of e-mailed tokens (verification, password reset).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // One row per login (a "refresh token family"). Access tokens carry its id as `sid`, so revoking
  // the session ends the access token at once too.
  await knex.schema.createTable('login_sessions', (table) => {
    table.uuid('id').primary();
    table.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.string('revoked_reason', 40).nullable();
    table.index(['user_id']);
    table.check('(revoked_at IS NULL) = (revoked_reason IS NULL)', [], 'login_sessions_revoked_with_reason');
  });

  // Only a SHA-256 of each refresh token's jti is kept: a database leak yields nothing usable.
  await knex.schema.createTable('refresh_tokens', (table) => {
    table.string('jti_hash', 64).primary();
    table.uuid('session_id').notNullable().references('login_sessions.id').onDelete('CASCADE');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('rotated_at', { useTz: true }).nullable();
    table.index(['session_id']);
  });

  // Fixed-window counters, bumped with one INSERT ... ON CONFLICT so concurrent requests on any
  // number of processes count exactly.
  await knex.schema.createTable('throttle_buckets', (table) => {
    table.string('scope', 40).notNullable();
    table.string('key', 400).notNullable();
    table.integer('hits').notNullable();
    table.timestamp('window_ends', { useTz: true }).notNullable();
    table.primary(['scope', 'key']);
    table.index(['window_ends']);
    table.check('hits >= 0', [], 'throttle_buckets_hits_not_negative');
  });

  // E-mailed tokens are signed JWTs; this row makes each one usable once (a conditional UPDATE of
  // used_at decides, so two clicks racing each other cannot both succeed).
  await knex.schema.createTable('one_time_tokens', (table) => {
    table.string('jti_hash', 64).primary();
    table.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    table.string('purpose', 20).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('expires_at', { useTz: true }).notNullable();
    table.timestamp('used_at', { useTz: true }).nullable();
    table.index(['user_id', 'purpose']);
    table.check("purpose IN ('verify_email', 'password_reset')", [], 'one_time_tokens_purpose');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('one_time_tokens');
  await knex.schema.dropTable('throttle_buckets');
  await knex.schema.dropTable('refresh_tokens');
  await knex.schema.dropTable('login_sessions');
}
