// Helpers of the accounts suites: servers that trust X-Forwarded-For, and clients that each come
// from an IP address of their own.
import { serverForSuite, startServer, type SuiteServer, type TestServer } from '../support/server.js';

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
