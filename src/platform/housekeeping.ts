// Periodic chores of a running server (settling abandoned checkouts, forgetting ended sessions).
// Each chore is idempotent and works in small batches, so running it in every server process is
// safe; a round is skipped while the previous one is still running.
import type { Services } from '../services.js';

export interface Chore {
  name: string;
  run(services: Services): Promise<unknown>;
}

/** Runs the chores every `intervalSeconds` until the returned function is called. */
export function startHousekeeping(services: Services, chores: Chore[], intervalSeconds = 60): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void (async () => {
      for (const chore of chores) {
        try {
          await chore.run(services);
        } catch (error) {
          services.log.error({ err: error, chore: chore.name }, 'housekeeping chore failed');
        }
      }
    })().finally(() => {
      running = false;
    });
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
