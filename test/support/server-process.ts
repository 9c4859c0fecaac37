// The server as an operator runs it: `npm start` in a child process (which compiles dist/ first
// when it is missing or stale), with only the settings given (no .env file), on a free port. For
// the tests of the production runtime: start-up, signals, the cluster of workers, metrics.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { PROJECT_ROOT } from '../../src/paths.js';
import { operatorEnv } from './command.js';
import { createPostgresDatabase } from './database.js';
import { freePort } from './spawned-server.js';

/** Whether something accepts connections on the port. */
export async function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Every process below `pid` (Linux /proc). */
export function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/**
 * `npm start` with these settings; resolves once `ready` (a log message) has been printed.
 * A DATABASE_URL of the test run is given by the caller (a database of the test's own).
 */
export async function startServerProcess(
  settings: Record<string, string>,
  { ready = 'store backend listening', command = ['npm', 'start'] }: { ready?: string; command?: string[] } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const env = operatorEnv({ PORT: String(port), ...settings });
  const child = spawn(command[0]!, command.slice(1), { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes(ready)) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`${command.join(' ')} exited with ${code}:\n${output}`));
    });
  });
  return { child, port, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** A PostgreSQL database of the caller's own on the run's server (DATABASE_URL), dropped by `drop`. */
export async function ownPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return await createPostgresDatabase(process.env.DATABASE_URL!, 'store_process');
}
