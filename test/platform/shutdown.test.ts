// The graceful stop of an HTTP server (src/runtime/shutdown.ts) on a plain Node server: an answer
// already handed over in full but still waiting in the socket's buffer (the client reads slowly)
// reaches the client whole, and its keep-alive connection is then ended rather than cut.
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { drainable } from '../../src/runtime/shutdown.js';

// Far more than the kernel's socket buffers hold on both ends, so most of it waits in Node's.
const BODY_BYTES = 64 * 1024 * 1024;

describe('graceful stop of an HTTP server', () => {
  it('delivers an answer still buffered when the server closes, then ends its keep-alive connection', async () => {
    let handedOver!: () => void;
    const ended = new Promise<void>((resolve) => (handedOver = resolve));
    const server = createServer((_request, response) => {
      response.setHeader('Content-Type', 'application/octet-stream');
      response.end(Buffer.alloc(BODY_BYTES, 'x'));
      handedOver();
    });
    const draining = drainable(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

    // A keep-alive request from a client that reads nothing until the server is closing.
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    let received = 0;
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      if (received < 4096) head += chunk.subarray(0, 4096).toString('latin1');
      received += chunk.length;
    });
    const closed = new Promise<boolean>((resolve) => socket.on('close', (hadError) => resolve(hadError)));
    socket.on('error', () => {});
    socket.pause();
    socket.write('GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await ended;

    const closing = draining.close(30_000);
    socket.resume();
    expect(await closed, 'the connection was reset').to.equal(false);
    expect(await closing, 'the server had to cut connections').to.equal(true);
    expect(head).to.match(/^HTTP\/1\.1 200 /);
    expect(head).to.match(new RegExp(`\r\nContent-Length: ${BODY_BYTES}\r\n`, 'i'));
    expect(received - (head.indexOf('\r\n\r\n') + 4)).to.equal(BODY_BYTES);
  });
});
