// The primary process on PostgreSQL: it forks WEB_CONCURRENCY workers (node:cluster, which shares
// the listening port between them), replaces a worker that dies, serves the cluster's metrics,
// and on SIGTERM or SIGINT stops the workers gracefully and exits when they have. It serves no
// request itself.
import cluster, { type Worker } from 'node:cluster';
import type { Server } from 'node:http';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { clusterMetrics, serveMetrics } from './metrics.js';
import { workerExecArgv } from './worker-flags.js';

/** A worker that dies within this long of its start counts as failing to start, and backs off. */
const SHORT_LIFE_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;

export async function runPrimary(config: Config, count: number, log: Logger): Promise<void> {
  const metrics = clusterMetrics();
  let metricsServer: Server | undefined;
  if (config.metrics) metricsServer = await serveMetrics(config.metrics, metrics, log);

  let stopping = false;
  let exitCode = 0;
  let everListening = false;
  let quickDeaths = 0;
  const startedAt = new Map<Worker, number>();

  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker, Date.now());
  };

  const finish = (code: number) => {
    metricsServer?.close();
    process.exit(code);
  };

  const listening = new Set<number>();
  cluster.on('listening', (worker) => {
    everListening = true;
    listening.add(worker.id);
    // Once, when the first `count` workers are up (replacements come and go later).
    if (listening.size === count) log.info({ workers: count }, 'all set: workers serving');
    log.debug({ worker: worker.id, pid: worker.process.pid }, 'worker listening');
  });

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) {
      if (!Object.keys(cluster.workers ?? {}).length) {
        log.info('all workers stopped');
        finish(exitCode);
      }
      return;
    }
    if (code === 0 && !signal) {
      // Stopped on purpose (its own SIGTERM or SIGINT, e.g. Ctrl-C reaching the whole process group).
      log.info({ worker: worker.id }, 'worker stopped');
      if (!Object.keys(cluster.workers ?? {}).length) finish(0);
      return;
    }
    if (!everListening) {
      // No worker ever came up: the configuration, the port or the code is at fault, and
      // replacing workers would only repeat the failure.
      log.fatal({ worker: worker.id, code, signal }, 'a worker failed to start; stopping');
      stopping = true;
      exitCode = 1;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      if (!Object.keys(cluster.workers ?? {}).length) finish(exitCode);
      return;
    }
    quickDeaths = lived < SHORT_LIFE_MS ? quickDeaths + 1 : 0;
    // A crash loop is replaced more and more slowly: 0 s, 1 s, 2 s, 4 s ... up to 30 s.
    const delay = quickDeaths ? Math.min(MAX_BACKOFF_MS, 500 * 2 ** quickDeaths) : 0;
    metrics.workerRestarts.inc();
    log.error(
      { worker: worker.id, pid: worker.process.pid, code, signal, livedMs: lived, restartInMs: delay },
      'worker died; replacing it',
    );
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: stopping the workers');
    const workers = Object.values(cluster.workers ?? {});
    if (!workers.length) finish(0);
    for (const worker of workers) worker?.process.kill('SIGTERM');
    // The workers stop within SHUTDOWN_TIMEOUT by themselves; a worker that hangs past it is killed.
    setTimeout(
      () => {
        log.error('workers still running after SHUTDOWN_TIMEOUT; killing them');
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
        finish(1);
      },
      config.shutdownTimeoutSeconds * 1000 + 5_000,
    ).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let index = 0; index < count; index += 1) fork();
}
