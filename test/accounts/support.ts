// Local stand-ins for the outside world of accounts: a real SMTP server (smtp-server) that keeps
// what it receives, and a Google certificate endpoint serving a key the tests sign ID tokens with.
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { SMTPServer } from 'smtp-server';
import { serverForSuite, startServer, type SuiteServer, type TestServer } from '../support/server.js';

export interface ReceivedMail {
  to: string[];
  /** The decoded text of the message (quoted-printable soft breaks undone). */
  text: string;
}

function decodeQuotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export interface MailServer {
  url: string;
  received: ReceivedMail[];
  /** Resolves with the next mail to the address (or one already received and not yet taken). */
  nextMailTo(address: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startMailServer(): Promise<MailServer> {
  const received: ReceivedMail[] = [];
  const taken = new Set<ReceivedMail>();
  const waiters: Array<() => void> = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase()),
          text: decodeQuotedPrintable(Buffer.concat(chunks).toString('utf8')),
        });
        waiters.splice(0).forEach((wake) => wake());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async nextMailTo(address, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = received.find((candidate) => !taken.has(candidate) && candidate.to.includes(address.toLowerCase()));
        if (mail) {
          taken.add(mail);
          return mail;
        }
        if (Date.now() > deadline) throw new Error(`no mail to ${address} within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => new Promise((resolve) => smtp.close(() => resolve())),
  };
}

/** The token in a mailed link such as `http://localhost:5173/verify-email?token=...`. */
export function tokenFromLink(mail: ReceivedMail, page: string): string {
  const match = new RegExp(`https?://[^\\s]+/${page}\\?token=([A-Za-z0-9._%-]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${page} link in the mail:\n${mail.text}`);
  return decodeURIComponent(match[1]!);
}

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

export const randomIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;

/**
 * The accounts suites trust X-Forwarded-For so each test can come from an address of its own:
 * throttle buckets are shared in the database, and the whole suite runs from 127.0.0.1.
 */
export function startAccountsServer(env: Record<string, string> = {}): Promise<TestServer> {
  return startServer({ TRUST_PROXY: 'true', ...env });
}

/** startAccountsServer for a describe block (see serverForSuite). */
export function accountsServerForSuite(env: () => Record<string, string> = () => ({})): SuiteServer {
  return serverForSuite(() => ({ TRUST_PROXY: 'true', ...env() }));
}

export function clientFrom(server: TestServer, ip = randomIp()) {
  return server.client({ 'x-forwarded-for': ip });
}

export const cookieLine = (headers: Headers, name: string) => headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
