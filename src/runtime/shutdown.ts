// Stopping an HTTP server without failing a request it has taken: it stops accepting connections,
// answers the requests in flight (and any that arrive on a connection already open) with
// `Connection: close` so each keep-alive connection ends after its answer, ends idle connections
// at once, and waits for the last one to end — at most `timeoutMs`, after which whatever is still
// open is cut off.
//
// Node's own http.Server#close() is not used: it calls closeIdleConnections(), which destroys
// (socket.destroy()) every connection whose current response has `finished` — but a response is
// `finished` as soon as end() was called, while its bytes may still wait in the socket's buffer
// (socket.writableLength > 0, or a write the kernel has not taken yet), and destroy() discards them:
// the client gets a reset instead of the answer the server has logged. Here the listening socket
// is closed with net.Server#close (which does not do that), and a connection that has answered is
// ended with socket.end(), which sends what is buffered and then a FIN.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

export interface Draining {
  /** Resolves true when every connection ended by itself, false when some were cut off at the timeout. */
  close(timeoutMs: number): Promise<boolean>;
}

interface Connection {
  /** Responses taken on it and not yet closed (more than one when the client pipelines). */
  open: Set<ServerResponse>;
  /** Whether a request was ever taken on it. */
  used: boolean;
}

/** Tracks the server's connections and responses from now on; call before it takes connections. */
export function drainable(server: Server): Draining {
  const connections = new Map<Socket, Connection>();
  let closing = false;

  /** A connection with no response open once closing: ended gracefully, or cut if it never carried a request. */
  const endIfIdle = (socket: Socket, connection: Connection) => {
    if (connection.open.size > 0 || socket.destroyed) return;
    if (connection.used) {
      // After an answer on a keep-alive connection: end() sends whatever is still buffered, then a FIN.
      socket.end();
    } else if (socket.bytesRead === 0) {
      // Nothing read from it yet, so no request was taken: as Node's close() does, cut it (the
      // client sees it reset before its request was read, as if the server had stopped listening).
      socket.destroy();
    }
    // Otherwise a request is arriving on it: when it has been read it is answered with
    // `Connection: close` (below), and Node ends the connection after that answer.
  };

  server.on('connection', (socket: Socket) => {
    const connection: Connection = { open: new Set(), used: false };
    connections.set(socket, connection);
    socket.once('close', () => connections.delete(socket));
  });

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (closing && !response.headersSent) response.setHeader('Connection', 'close');
    const socket = request.socket;
    const connection = connections.get(socket);
    if (!connection) return;
    connection.used = true;
    connection.open.add(response);
    // 'close' comes after Node has handed the answer to the socket (and, for `Connection: close`,
    // begun ending it); an answer that had begun with keep-alive before the server closed leaves
    // the connection open, so it is ended here as soon as it falls idle.
    response.once('close', () => {
      connection.open.delete(response);
      if (closing) endIfIdle(socket, connection);
    });
  });

  return {
    close(timeoutMs) {
      closing = true;
      return new Promise((resolve) => {
        const deadline = setTimeout(() => {
          for (const socket of connections.keys()) socket.destroy();
          resolve(false);
        }, timeoutMs);
        // Stops listening; the callback runs when every connection has ended.
        NetServer.prototype.close.call(server, () => {
          clearTimeout(deadline);
          resolve(true);
        });
        for (const [socket, connection] of connections) {
          for (const response of connection.open) if (!response.headersSent) response.setHeader('Connection', 'close');
          endIfIdle(socket, connection);
        }
      });
    },
  };
}
