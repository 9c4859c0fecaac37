// A client that sends a large body before reading the answer (Node's fetch, browsers) must get
// the server's answer, not a reset: when the server refuses a body early (413, but also a 401 or
// a 415 decided before the body is read), it reads and discards the rest of the body (up to a
// bound) before it closes or reuses the connection, as nginx's lingering close does.
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { clientFrom } from '../accounts/support.js';
import { shopper } from '../support/factories.js';
import { serverForSuite } from '../support/server.js';

const FIVE_MIB = 5 * 1024 * 1024;

describe('early answers to large bodies', () => {
  const suite = serverForSuite(() => ({ TRUST_PROXY: 'true' }));
  const bigJson = () => JSON.stringify({ product_id: 1, padding: 'x'.repeat(FIVE_MIB) });

  it('answers 413 to 5 MiB sent to an anonymous endpoint, every time', async () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const answer = await clientFrom(suite.server).post('/api/auth/login/', undefined, {
        rawBody: bigJson(),
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status, `attempt ${attempt}`).to.equal(413);
      expect(answer.body.code).to.equal('payload_too_large');
    }
  });

  it('answers 413 to 5 MiB sent to an authenticated endpoint, every time, on a connection that stays usable', async () => {
    const client = await shopper(suite.server);
    for (let attempt = 0; attempt < 8; attempt++) {
      const answer = await client.post('/api/cart/add/', undefined, {
        rawBody: bigJson(),
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status, `attempt ${attempt}`).to.equal(413);
      const after = await client.get('/api/cart/');
      expect(after.status).to.equal(200);
    }
  });

  it('answers a refusal decided before the body is read (wrong media type, no session) instead of a reset', async () => {
    for (let attempt = 0; attempt < 4; attempt++) {
      const wrongType = await clientFrom(suite.server).post('/api/auth/login/', undefined, {
        rawBody: 'x'.repeat(FIVE_MIB),
        headers: { 'content-type': 'text/plain' },
      });
      expect(wrongType.status).to.equal(415);
      const unknownPath = await clientFrom(suite.server).post('/api/nowhere/', undefined, {
        rawBody: 'x'.repeat(FIVE_MIB),
        headers: { 'content-type': 'application/json' },
      });
      expect(unknownPath.status).to.equal(404);
    }
  });

  it('keeps reading a refused body until the client has sent it all, so a client that reads late still gets the 413', async () => {
    const { hostname, port } = new URL(suite.server.url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    // Like a client busy uploading: it reads nothing until the whole body is sent.
    socket.pause();
    const body = Buffer.alloc(FIVE_MIB, 'x');
    socket.write(
      `POST /api/auth/login/ HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    socket.write(body.subarray(0, 64 * 1024));
    // Time for the server to answer the announced size with 413 (a slower server only makes the
    // test easier to pass; it never makes it fail).
    await sleep(500);
    const sent = await new Promise<Error | null | undefined>((resolve) => {
      socket.once('error', resolve);
      socket.write(body.subarray(64 * 1024), resolve);
    });
    expect(sent ?? undefined, 'the rest of the body was taken, not reset').to.equal(undefined);
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (/\r\n\r\n[\s\S]*\}$/.test(answer)) socket.end();
    });
    socket.resume();
    await once(socket, 'close');
    expect(answer).to.match(/^HTTP\/1\.1 413 /);
    expect(answer).to.include('"code":"payload_too_large"');
  });
});
