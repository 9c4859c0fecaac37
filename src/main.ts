// `npm start`: the server's entry point (the cluster's primary and each worker run it). It turns
// on Node's compile cache before anything else is loaded, then starts (src/runtime/start.ts).
//
// The compile cache keeps V8's compiled code of every module on disk, keyed by the module's text,
// so a later start (a restart, another worker, a replaced one) reads the code instead of compiling
// it again: the compiled server answered /healthz 1.3–1.5 s after it was started instead of 1.9 s
// (README: Performance). Only for compiled code (dist/), where the cache sits beside it, owned by
// whoever built it (not a directory every user may write: the cache is code the process runs).
// NODE_COMPILE_CACHE names another directory and NODE_DISABLE_COMPILE_CACHE=1 turns it off (both
// read from the environment: this runs before the .env file is); Node 20 has no compile cache and
// starts as before.
import module from 'node:module';
import path from 'node:path';
import { CODE_ROOT, PROJECT_ROOT } from './paths.js';

// Node 22.1 and later (flushing: 22.10); the installed types are Node 20's, which has neither.
const { enableCompileCache, flushCompileCache } = module as {
  enableCompileCache?: (directory: string) => unknown;
  flushCompileCache?: () => void;
};
const compiled = CODE_ROOT !== PROJECT_ROOT;
if (compiled && enableCompileCache) enableCompileCache(process.env.NODE_COMPILE_CACHE ?? path.join(CODE_ROOT, '.compile-cache'));

// Loaded after the cache is on, so that it holds the server's modules too.
const { start } = await import('./runtime/start.js');
// Node writes the cache when the process exits; written once serving instead, it is there even
// for a process that is killed.
start().then(
  () => flushCompileCache?.(),
  (error: unknown) => {
    console.error(error instanceof Error ? `Start-up failed: ${error.message}` : error);
    process.exit(1);
  },
);
