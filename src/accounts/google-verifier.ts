// The Google adapter: google-auth-library verifies an ID token (RS256 signature against Google's
// published certificates, issuer, expiry, audience = GOOGLE_CLIENT_ID). GOOGLE_CERTS_URL points the
// library's own certificate endpoint elsewhere (tests serve their key locally). The library is
// imported on the first Google sign-in, so a server that has none never loads it.
import type { OAuth2Client } from 'google-auth-library';
import type { Config } from '../config.js';
import { onFirstUse } from '../on-first-use.js';

export interface GoogleIdentity {
  email: string;
  emailVerified: boolean;
  givenName: string;
  familyName: string;
}

export type GoogleVerification =
  { ok: true; identity: GoogleIdentity } | { ok: false; problem: 'not_configured' | 'certificates_unavailable' | 'invalid_token' };

// One client per configuration, so the certificates it fetched stay cached between requests
// (the library honours the Cache-Control max-age of the certificate response).
const clients = new WeakMap<Config, OAuth2Client>();

/** The library's client class, imported once, on first use. */
const loadOAuth2Client = onFirstUse(() => import('google-auth-library').then((module) => module.OAuth2Client));

async function clientFor(config: Config): Promise<OAuth2Client> {
  const OAuth2ClientClass = await loadOAuth2Client();
  let client = clients.get(config);
  if (!client) {
    client = new OAuth2ClientClass({
      clientId: config.google.clientId,
      ...(config.google.certsUrl ? { endpoints: { oauth2FederatedSignonPemCertsUrl: config.google.certsUrl } } : {}),
    });
    clients.set(config, client);
  }
  return client;
}

export async function verifyGoogleIdToken(config: Config, idToken: string): Promise<GoogleVerification> {
  const audience = config.google.clientId;
  if (!audience) return { ok: false, problem: 'not_configured' };
  // Outside the try: a library that cannot be loaded is the server's fault, not an invalid token.
  const client = await clientFor(config);
  try {
    const ticket = await client.verifyIdToken({ idToken, audience });
    const payload = ticket.getPayload();
    if (!payload?.email) return { ok: false, problem: 'invalid_token' };
    return {
      ok: true,
      identity: {
        email: payload.email,
        emailVerified: payload.email_verified === true,
        givenName: (payload.given_name ?? '').slice(0, 30),
        familyName: (payload.family_name ?? '').slice(0, 30),
      },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (message.startsWith('Failed to retrieve verification certificates')) return { ok: false, problem: 'certificates_unavailable' };
    return { ok: false, problem: 'invalid_token' };
  }
}
