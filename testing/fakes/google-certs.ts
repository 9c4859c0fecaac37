// A local stand-in for Google's ID-token certificate endpoint (GOOGLE_CERTS_URL): it serves a key
// of its own and signs ID tokens with it as Google would, so the real google-auth-library verifies
// them.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

export const GOOGLE_CLIENT_ID = 'test-client-id.apps.googleusercontent.com';

export interface GoogleCerts {
  url: string;
  kid: string;
  privateKey: KeyObject;
  requests: number;
  /** Signs an ID token as Google would (RS256, kid of the served key) unless overridden. */
  idToken(claims: Record<string, unknown>, options?: { key?: KeyObject; kid?: string }): string;
  close(): Promise<void>;
}

export async function startGoogleCerts(): Promise<GoogleCerts> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomBytes(8).toString('hex');
  const state = { requests: 0 };
  const server: Server = createServer((_req, res) => {
    state.requests += 1;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' });
    // The PEM endpoint's format: {kid: PEM}. A public key PEM verifies like a certificate does.
    res.end(JSON.stringify({ [kid]: publicKey.export({ type: 'spki', format: 'pem' }) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v1/certs`;
  return {
    url,
    kid,
    privateKey,
    get requests() {
      return state.requests;
    },
    idToken(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return jwt.sign(
        {
          iss: 'https://accounts.google.com',
          aud: GOOGLE_CLIENT_ID,
          sub: randomBytes(8).toString('hex'),
          iat: now,
          exp: now + 3600,
          ...claims,
        },
        options.key ?? privateKey,
        { algorithm: 'RS256', keyid: options.kid ?? kid },
      );
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
