// The HTTP server itself: how long a client may take to send its request (Node's defaults, 60 s
// for the headers and 300 s for the whole request, let slow clients hold connections for minutes),
// and a request without a Host header handed to the app, which answers it in the error shape
// (Node would send a bare 400).
import { createServer, type Server } from 'node:http';
import type Koa from 'koa';

export interface ServerTimeouts {
  clientHeadersTimeoutMs: number;
  clientRequestTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export function createHttpServer(app: Koa, timeouts: ServerTimeouts): Server {
  const handle = app.callback();
  return createServer(
    {
      headersTimeout: timeouts.clientHeadersTimeoutMs,
      requestTimeout: timeouts.clientRequestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      // Node checks the two timeouts above every 30 s by default, so a 15 s limit could hold 45 s.
      connectionsCheckingInterval: Math.min(1000, timeouts.clientHeadersTimeoutMs / 2),
      requireHostHeader: false,
    },
    (request, response) => void handle(request, response),
  );
}
