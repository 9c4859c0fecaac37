import type { components } from '../../generated/openapi.js';

/**
 * The user a request is authenticated as, as the security handler loaded it: exactly the columns
 * the API shows of a user (the spec's User), so the two cannot drift apart.
 */
export type SessionUser = components['schemas']['User'];
