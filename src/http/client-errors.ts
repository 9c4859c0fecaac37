// Requests Node's HTTP parser refuses before Koa sees them (a malformed request line or header,
// headers over --max-http-header-size, a body longer than its Content-Length) are answered by
// Node with an empty 400 or 431. They get the API's error shape and a request id here, so every
// answer a client can receive is JSON in the one error schema.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log.js';
import { errorBody } from './errors.js';

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

function statusOf(error: NodeJS.ErrnoException): number {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 431;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

export function answerMalformedRequests(server: Server, log: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection reset by the client, or a socket that already answered, cannot take a reply.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = statusOf(error);
    const requestId = randomUUID();
    const body = JSON.stringify(
      errorBody(
        status === 431 ? 'Request headers (or the URL) are too large.' : status === 408 ? 'Request timed out.' : 'Malformed HTTP request.',
        status === 431 ? 'headers_too_large' : status === 408 ? 'request_timeout' : 'bad_request',
      ),
    );
    log.info({ requestId, status, parserError: error.code }, 'malformed request refused by the HTTP parser');
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
