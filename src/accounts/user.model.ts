import type { components } from '../../generated/openapi.js';
import type { SessionUser } from '../services.js';

export type UserResponse = components['schemas']['User'];

export function toUserResponse(user: SessionUser): UserResponse {
  return {
    id: user.id,
    email: user.email,
    first_name: user.first_name,
    last_name: user.last_name,
    is_staff: user.is_staff,
    email_verified: user.email_verified,
  };
}
