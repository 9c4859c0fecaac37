// A module customization hook (registered with node:module's register()) for tests that must know
// which modules a process imported: it appends the URL of every module resolved, one a line, to the
// file named in its data. Synchronously, so the file is complete once the import that asked returns.
// Plain JavaScript: the hooks run on a thread of their own, before any TypeScript loader.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}
