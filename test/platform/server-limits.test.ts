// What the HTTP server does before the app sees a request: slow clients are cut off by the
// header and request timeouts (settings, tighter than Node's minutes), and an HTTP/1.1 request
// without Host is answered in the error shape like every other refusal.
import { once } from 'node:events';
import { connect } from 'node:net';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config.js';
import { serverForSuite, TEST_SECRET } from '../support/server.js';

/** Sends raw bytes and collects everything the server answers until it closes the connection. */
async function raw(url: string, request: string): Promise<{ status: number; head: string; body: string }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
  socket.write(request);
  await once(socket, 'close');
  const split = answer.indexOf('\r\n\r\n');
  return { status: Number(answer.split(' ')[1]), head: answer.slice(0, split).toLowerCase(), body: answer.slice(split + 4) };
}

describe('the HTTP server before the app', () => {
  const suite = serverForSuite(() => ({ CLIENT_HEADERS_TIMEOUT_MS: '1000', CLIENT_REQUEST_TIMEOUT_MS: '2000' }));

  it('answers an HTTP/1.1 request without Host with 400 in the error schema, not a bare 400', async () => {
    const answer = await raw(suite.server.url, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(answer.status).to.equal(400);
    expect(answer.head)
      .to.include('content-type: application/json')
      .and.to.match(/x-request-id: \S+/);
    expect(JSON.parse(answer.body)).to.deep.include({ code: 'bad_request', error: 'Missing Host header.' });
    // HTTP/1.0 had no Host header: still served.
    expect((await raw(suite.server.url, 'GET /healthz HTTP/1.0\r\n\r\n')).status).to.equal(200);
  });

  it('cuts off a client that sends its headers slower than CLIENT_HEADERS_TIMEOUT_MS with 408 in the error schema', async () => {
    const { hostname, port } = new URL(suite.server.url);
    const socket = connect(Number(port), hostname);
    await once(socket, 'connect');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    // The request line and one header, then nothing: a slowloris client.
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await once(socket, 'close');
    expect(answer).to.match(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).to.deep.include({ code: 'request_timeout' });
  });

  it('reads the timeouts from the environment, with tighter defaults than Node, and refuses nonsense', () => {
    const base = { SECRET_KEY: TEST_SECRET };
    expect(loadConfig(base).http).to.deep.equal({
      clientHeadersTimeoutMs: 15_000,
      clientRequestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5000,
    });
    const custom = loadConfig({
      ...base,
      CLIENT_HEADERS_TIMEOUT_MS: '5000',
      CLIENT_REQUEST_TIMEOUT_MS: '30000',
      KEEP_ALIVE_TIMEOUT_MS: '65000',
    });
    expect(custom.http).to.deep.equal({ clientHeadersTimeoutMs: 5000, clientRequestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000 });
    let error: unknown;
    try {
      loadConfig({ ...base, CLIENT_HEADERS_TIMEOUT_MS: '0', CLIENT_REQUEST_TIMEOUT_MS: 'soon', KEEP_ALIVE_TIMEOUT_MS: '-1' });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems)
      .to.include('CLIENT_HEADERS_TIMEOUT_MS')
      .and.to.include('CLIENT_REQUEST_TIMEOUT_MS')
      .and.to.include('KEEP_ALIVE_TIMEOUT_MS');
    expect(() => loadConfig({ ...base, CLIENT_HEADERS_TIMEOUT_MS: '30000', CLIENT_REQUEST_TIMEOUT_MS: '10000' })).to.throw(
      /CLIENT_REQUEST_TIMEOUT_MS must be at least/,
    );
  });
});
