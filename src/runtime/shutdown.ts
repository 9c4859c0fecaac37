// Stopping an HTTP server without failing a request it has taken: it stops accepting connections,
// answers the requests in flight (and any that arrive on a connection already open) with
// `Connection: close` so each keep-alive connection ends after its answer, closes idle connections
// at once, and waits for the last one to end — at most `timeoutMs`, after which whatever is still
// open is cut off.
import type { Server, ServerResponse } from 'node:http';

export interface Draining {
  /** Resolves true when every connection ended by itself, false when some were cut off at the timeout. */
  close(timeoutMs: number): Promise<boolean>;
}

/** Tracks the server's responses from now on; call before it takes requests. */
export function drainable(server: Server): Draining {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.on('request', (_request, response: ServerResponse) => {
    if (closing && !response.headersSent) response.setHeader('Connection', 'close');
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });

  return {
    close(timeoutMs) {
      closing = true;
      for (const response of inFlight) if (!response.headersSent) response.setHeader('Connection', 'close');
      return new Promise((resolve) => {
        // A connection whose answer had already begun keeps its keep-alive: it is ended as soon
        // as it falls idle rather than when its keep-alive timeout runs out.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        const deadline = setTimeout(() => {
          clearInterval(sweep);
          server.closeAllConnections();
          resolve(false);
        }, timeoutMs);
        // close() stops listening and ends the idle connections; its callback runs when the
        // connections with a request in flight have ended too.
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve(true);
        });
      });
    },
  };
}
