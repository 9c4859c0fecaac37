// The real entry point (src/main.ts, through tsx, so no build is needed) in a child process of its
// own, for tests about what only separate processes show: several servers on one database, a
// database that goes away under a running server. (server-process.ts runs the real `npm start`,
// for the tests of the production runtime itself.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from './client.js';
import { PROJECT_ROOT } from '../../src/paths.js';
import { operatorEnv } from './command.js';
import { TEST_SECRET } from './server.js';

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface SourceServer {
  url: string;
  child: ChildProcess;
  /** What it has written to stdout and stderr so far. */
  output(): string;
  /** A fresh client (its own cookie jar). */
  client(headers?: Record<string, string>): Client;
  stop(): Promise<void>;
}

/** Starts src/main.ts on a free port with the settings in `env` and waits until it answers /healthz. */
export async function startSourceServer(env: Record<string, string>): Promise<SourceServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'store-process-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: operatorEnv({
      SECRET_KEY: TEST_SECRET,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // One process each: what is tested is several servers, not one server's workers.
      WEB_CONCURRENCY: '1',
      ...env,
      PORT: String(port),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    }
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not answer /healthz within 120 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, child, output: () => output, client: (headers) => new Client(url, headers), stop };
}
