/** The user a request is authenticated as, as the security handler loaded it. */
export interface SessionUser {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  is_staff: boolean;
  email_verified: boolean;
}
