// A PostgreSQL server of a test's own (initdb + pg_ctl of the installed PostgreSQL 15, on a
// temporary data directory and a free port), for tests that stop and start the database under a
// running server. PostgreSQL refuses to run as root: as root, the binaries run as the `postgres`
// user through runuser, in a directory that user owns.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './spawned-server.js';

const BIN = process.env.POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why no PostgreSQL of our own can be started here, or undefined when one can. */
export function ownPostgresUnavailable(): string | undefined {
  if (!existsSync(path.join(BIN, 'initdb')) || !existsSync(path.join(BIN, 'pg_ctl'))) {
    return `no PostgreSQL binaries in ${BIN} (set POSTGRES_BIN)`;
  }
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root without a postgres user to run PostgreSQL as';
    }
  }
  return undefined;
}

function run(command: string, args: string[], asPostgres: boolean): Promise<string> {
  const [file, fileArgs] = asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, fileArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

export interface OwnPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** The server's log (what it logs, e.g. each statement with `log_statement = 'all'`). */
  logFile: string;
  /** Stops the server as an operator's fast shutdown does: sessions are ended, nothing is accepted. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const asPostgres = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'store-own-pg-'));
  if (asPostgres) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  await run(
    path.join(BIN, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    asPostgres,
  );
  const port = await freePort();
  // Durability is not what these tests are about: no fsync keeps them fast on a busy machine.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60`;
  const pgCtl = (...args: string[]) => run(path.join(BIN, 'pg_ctl'), ['-D', data, ...args], asPostgres);
  const logFile = path.join(dir, 'log');
  const server: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    logFile,
    start: async () => {
      await pgCtl('-l', logFile, '-o', options, '-w', '-t', '60', 'start');
    },
    stop: async () => {
      await pgCtl('-m', 'fast', '-w', '-t', '60', 'stop');
    },
    destroy: async () => {
      // Also when it is thought stopped: a start that timed out may have started it after all.
      await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
