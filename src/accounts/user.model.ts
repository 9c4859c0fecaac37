import { Model } from 'objection';
import type { components } from '../../generated/openapi.js';
import type { SessionUser } from './session-user.js';

export type UserResponse = components['schemas']['User'];

export class User extends Model {
  static override tableName = 'users';

  id!: number;
  email!: string;
  password!: string | null;
  first_name!: string;
  last_name!: string;
  is_active!: boolean;
  is_staff!: boolean;
  email_verified!: boolean;
  created_at!: Date;
  updated_at!: Date;
}

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
