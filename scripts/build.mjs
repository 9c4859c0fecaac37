// `npm run build` compiles the server (src/, migrations/, generated/) with tsc into dist/, which
// `npm start` runs with plain node. `--if-stale` (npm's prestart) builds only when dist/ is
// missing or any input was added, removed or changed since dist/ was built, so a fresh clone's
// `npm install && npm start` and a `git pull && npm start` both run what is checked out.
//
// Plain JavaScript on purpose: it must run before anything is compiled and without tsx. The
// check compares the inputs' contents (a digest of each, some tens of milliseconds), not their
// modification times, which a copy (a container image's layers, an archive) does not keep; a
// build writes to a temporary directory and swaps it in, so a failed or interrupted build never
// leaves half a dist/.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(root, 'dist');
const STAMP = '.build-inputs.json';
const DOCS_PAGE = 'api-docs.html';
const INPUT_DIRECTORIES = ['src', 'migrations', 'generated'];
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** Every input of the build with a digest of its content: `{ "src/main.ts": "<sha256, base64url>" }`. */
function inputs() {
  const found = {};
  const visit = (relative) => {
    const absolute = path.join(root, relative);
    if (!existsSync(absolute)) return;
    const stats = statSync(absolute);
    if (stats.isDirectory()) {
      for (const entry of readdirSync(absolute).sort()) visit(path.join(relative, entry));
    } else {
      found[relative.split(path.sep).join('/')] = createHash('sha256').update(readFileSync(absolute)).digest('base64url');
    }
  };
  for (const entry of [...INPUT_DIRECTORIES, ...INPUT_FILES]) visit(entry);
  return found;
}

function isStale(current) {
  const stampFile = path.join(DIST, STAMP);
  if (!existsSync(stampFile)) return true;
  let built;
  try {
    built = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return true;
  }
  const names = Object.keys(current);
  return names.length !== Object.keys(built).length || names.some((name) => built[name] !== current[name]);
}

function build(current) {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    console.error('dist/ is missing or out of date, and TypeScript is not installed to build it: run `npm ci` and `npm run build`.');
    process.exit(1);
  }
  const temporary = path.join(root, `dist.tmp-${process.pid}`);
  rmSync(temporary, { recursive: true, force: true });
  console.error('Compiling the server into dist/ (tsc -p tsconfig.build.json) ...');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', temporary], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    rmSync(temporary, { recursive: true, force: true });
    console.error('The build failed (see the compiler messages above).');
    process.exit(result.status ?? 1);
  }
  // The inputs as they were when the build started: a file edited during it makes the next check rebuild.
  writeFileSync(path.join(temporary, STAMP), JSON.stringify(current, null, 1));
  // The docs page (`npm run build:docs`) is not compiled from these inputs: it moves over to the
  // new dist/ (it records the spec it was built from, so the server knows when it is stale).
  const docsPage = path.join(DIST, DOCS_PAGE);
  if (existsSync(docsPage)) copyFileSync(docsPage, path.join(temporary, DOCS_PAGE));
  const previous = path.join(root, `dist.old-${process.pid}`);
  if (existsSync(DIST)) renameSync(DIST, previous);
  renameSync(temporary, DIST);
  rmSync(previous, { recursive: true, force: true });
}

const current = inputs();
if (!process.argv.includes('--if-stale') || isStale(current)) build(current);
