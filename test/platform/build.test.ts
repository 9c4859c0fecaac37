// `npm start` runs dist/, so dist/ must be what the sources say: its prestart check
// (`scripts/build.mjs --if-stale`) leaves a dist/ that matches them alone and compiles again when
// a source was added, changed or removed since the last build, before anything is served.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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
  // It compiles up to four times, on a busy machine.
  this.timeout(600_000);
  const source = path.join(root, 'src', 'build-check-probe.ts');
  const compiled = path.join(root, 'dist', 'src', 'build-check-probe.js');
  after(() => {
    rmSync(source, { force: true });
    prestart();
  });

  it('runs a dist/ that matches the sources as it is, and compiles an added, changed or removed source first', () => {
    prestart();
    expect(prestart(), 'compiled although nothing changed').to.equal(false);
    // Only the content counts: a copy that does not keep modification times is not rebuilt.
    const someSource = path.join(root, 'src', 'paths.ts');
    utimesSync(someSource, new Date(), new Date(Date.now() + 5000));
    expect(prestart(), 'compiled for a new modification time alone').to.equal(false);

    writeFileSync(source, 'export const probe = 1;\n');
    expect(prestart(), 'did not compile an added source').to.equal(true);
    expect(existsSync(compiled)).to.equal(true);
    writeFileSync(source, 'export const probe = 2;\n');
    expect(prestart(), 'did not compile a changed source').to.equal(true);
    expect(readFileSync(compiled, 'utf8')).to.include('probe = 2');
    rmSync(source);
    expect(prestart(), 'did not compile after a source was removed').to.equal(true);
    expect(existsSync(compiled), 'the removed source’s output is gone').to.equal(false);
  });
});
