// openapi.yaml is parsed so that its names are one-byte strings in V8 even when the text holds a
// character beyond Latin-1 (see parseSpecText in src/http/spec.ts): otherwise a header name the
// spec declares (X-Total-Count) is interned two-byte, and every response carrying it is encoded
// from two bytes a character.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CORE_SCHEMA, load } from 'js-yaml';
import { parseSpecText, SPEC_PATH } from '../../src/http/spec.js';
import { PROJECT_ROOT } from '../../src/paths.js';

// In a process of its own (names are interned once per process, and this one has read the spec
// already): the spec's operations loaded, then every property name in them, and the name
// X-Total-Count made at run time and interned as a property name, judged one-byte or not. V8's
// serializer tags a one-byte string '"' (0x22) right after its two-byte header.
const CHILD = `
import { serialize } from 'node:v8';
const { loadSpec } = await import('./src/http/spec.ts');
const operations = await loadSpec(process.argv[1]);
const oneByte = (text) => serialize(text)[2] === 0x22;
const twoByte = new Set();
const seen = new Set();
const visit = (value) => {
  if (!value || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  for (const [name, inner] of Object.entries(value)) {
    if (!oneByte(name)) twoByte.add(name);
    visit(inner);
  }
};
visit(operations);
const probe = { [['X', 'Total', 'Count'].join('-')]: 1 };
console.log(JSON.stringify({ names: seen.size, twoByte: [...twoByte], headerNameOneByte: oneByte(Object.keys(probe)[0]) }));
`;

describe('reading openapi.yaml', () => {
  it('gives the document the file writes, characters beyond Latin-1 (and the marker itself, and a byte-order mark) included', () => {
    const text = readFileSync(SPEC_PATH, 'utf8');
    expect(parseSpecText(text)).to.deep.equal(load(text, { schema: CORE_SCHEMA }));
    const withMark = `\uFEFF${text}`;
    expect(parseSpecText(withMark)).to.deep.equal(load(withMark, { schema: CORE_SCHEMA }));
    const odd = 'a: "dash — arrow → rupee ₹ emoji 🛒 currency sign ¤2014; end"\nkey→with¤arrow: [plain – text, 2026-11-28]\n';
    expect(parseSpecText(odd)).to.deep.equal(load(odd, { schema: CORE_SCHEMA }));
    expect(parseSpecText(odd)).to.deep.equal({
      a: 'dash — arrow → rupee ₹ emoji 🛒 currency sign ¤2014; end',
      'key→with¤arrow': ['plain – text', '2026-11-28'],
    });
  });

  it("interns the spec's names as one-byte strings though the text holds characters beyond Latin-1", function () {
    this.timeout(30_000);
    const directory = mkdtempSync(path.join(tmpdir(), 'spec-text-'));
    try {
      // A copy of the spec whose text is certainly two-byte, whatever openapi.yaml's own characters.
      const specPath = path.join(directory, 'openapi.yaml');
      writeFileSync(specPath, `# A line beyond Latin-1 — →\n${readFileSync(SPEC_PATH, 'utf8')}`);
      const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, specPath], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      });
      expect(child.status, child.stderr).to.equal(0);
      const outcome = JSON.parse(child.stdout) as { names: number; twoByte: string[]; headerNameOneByte: boolean };
      expect(outcome.names).to.be.above(100);
      expect(outcome.twoByte).to.deep.equal([]);
      expect(outcome.headerNameOneByte).to.equal(true);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
