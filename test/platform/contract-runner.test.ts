// `npm run contract` as an operator runs it, in a child process against a listening server: it
// passes against the app (every operation driven with a staff login), and fails, naming the
// violations, against a server whose answers are not the spec's.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { hashPassword } from '../../src/accounts/passwords.js';
import { runCommand } from '../support/command.js';
import { makeUser, unique } from '../support/factories.js';
import { serverForSuite, startServer } from '../support/server.js';

/** The command's whole output, what it printed and what it complained of. */
async function contract(args: string[], settings: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const { code, stdout, stderr } = await runCommand([process.execPath, '--import', 'tsx', 'scripts/contract.ts', ...args], settings);
  return { code, output: stdout + stderr };
}

describe('npm run contract', () => {
  // Registrations from 127.0.0.1 are counted in the run's database by every suite: a limit of our own.
  const suite = serverForSuite(() => ({ THROTTLE_REGISTER: '1000/1h' }));

  it('drives every operation of the app with a staff login and finds nothing wrong', async function () {
    this.timeout(120_000);
    const password = 'contract-staff-password';
    const staff = await makeUser(suite.db, {
      email: `${unique('staff')}@example.com`,
      is_staff: true,
      password: await hashPassword(password),
    });
    const { code, output } = await contract(['--base-url', suite.server.url], {
      CONTRACT_STAFF_EMAIL: staff.email,
      CONTRACT_STAFF_PASSWORD: password,
    });
    expect(output, output).to.include('Violations of openapi.yaml: 0');
    expect(output, output).to.include('Unexpected answers: 0');
    expect(code, output).to.equal(0);
    const covered = /Operations covered: (\d+) of (\d+)/.exec(output);
    expect(covered, output).to.not.equal(null);
    // Every operation, some by their refusals only (Google sign-in without Google, the webhook unsigned).
    expect(covered![1], output).to.equal(covered![2]);
  });

  it('fails, naming each violation, against a server whose answers are not the spec', async function () {
    this.timeout(120_000);
    // Answers everything with 200 and a body of no operation's shape.
    const impostor = http.createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'impostor' });
      response.end(JSON.stringify({ hello: 'world' }));
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
      const { code, output } = await contract(['--base-url', url]);
      expect(code, output).to.equal(1);
      expect(output, output).to.match(/GET \/healthz → 200: body does not match the spec/);
      expect(output, output).to.match(/GET \/api\/products\/\?limit=5 → 200: body does not match the spec/);
      expect(output, output).to.match(/GET \/api\/auth\/me\/ answered 200, expected 401/);
      expect(output, output).to.not.include('Violations of openapi.yaml: 0');
    } finally {
      impostor.close();
    }
  });

  it('reports a part cut short by a throttle as not driven, without failing', async function () {
    this.timeout(120_000);
    const throttled = await startServer({ THROTTLE_REGISTER: '1/1h' });
    try {
      // This address's one registration of the hour, spent.
      await throttled.client().post('/api/auth/register/', { email: `${unique('first')}@example.com`, password: 'a-long-password' });
      const { code, output } = await contract(['--base-url', throttled.url]);
      expect(output, output).to.match(
        /Throttled, so not driven further \(run again later\): POST \/api\/auth\/register\/ was throttled \(429/,
      );
      expect(output, output).to.include('Violations of openapi.yaml: 0');
      expect(output, output).to.include('Unexpected answers: 0');
      expect(code, output).to.equal(0);
    } finally {
      await throttled.close();
    }
  });

  it('refuses to run without a base URL, saying how to call it', async () => {
    const { code, output } = await contract([]);
    expect(code).to.equal(2);
    expect(output, output).to.include('usage: npm run contract -- --base-url URL');
  });
});
