// `npm start` runs dist/, so dist/ must be what the sources say: its prestart check
// (`scripts/build.mjs --if-stale`) leaves a dist/ that matches them alone and compiles again when
// a source has changed since the last build, before anything is served.
import { spawnSync } from 'node:child_process';
import { statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the prestart check; says whether it compiled. */
function prestart(): boolean {
  const result = spawnSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stdout + result.stderr).to.equal(0);
  return result.stderr.includes('Compiling the server into dist/');
}

describe('npm start’s build check', function () {
  // It may compile twice on a busy machine.
  this.timeout(300_000);

  it('runs a dist/ that matches the sources as it is, and compiles a changed source before start', () => {
    prestart();
    expect(prestart(), 'compiled although nothing changed').to.equal(false);

    const source = path.join(root, 'src', 'paths.ts');
    const compiled = path.join(root, 'dist', 'src', 'paths.js');
    const before = statSync(compiled).mtimeMs;
    const later = new Date(Date.now() + 2000);
    utimesSync(source, later, later);
    expect(prestart(), 'did not compile a changed source').to.equal(true);
    expect(statSync(compiled).mtimeMs).to.be.greaterThan(before);
    expect(prestart()).to.equal(false);
  });
});
