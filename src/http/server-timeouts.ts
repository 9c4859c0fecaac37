// The HTTP server itself: how long a client may take (Node's defaults, 60 s for the headers and
// 300 s for a request, let slow clients hold connections for minutes), and a request without a
// Host header handed to the app, which answers it in the error shape (Node would send a bare 400).
import { createServer, type Server } from 'node:http';
import type Koa from 'koa';

export interface ServerTimeouts {
  headersTimeoutSeconds: number;
  requestTimeoutSeconds: number;
  keepAliveTimeoutSeconds: number;
}

export function createHttpServer(app: Koa, timeouts: ServerTimeouts): Server {
  const handle = app.callback();
  const headersTimeout = timeouts.headersTimeoutSeconds * 1000;
  return createServer(
    {
      headersTimeout,
      requestTimeout: timeouts.requestTimeoutSeconds * 1000,
      keepAliveTimeout: timeouts.keepAliveTimeoutSeconds * 1000,
      // Node checks the two timeouts above every 30 s by default, so a 15 s limit could hold 45 s.
      connectionsCheckingInterval: Math.min(1000, headersTimeout / 2),
      requireHostHeader: false,
    },
    (request, response) => void handle(request, response),
  );
}
