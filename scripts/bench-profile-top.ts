// `npx tsx scripts/bench-profile-top.ts <file.cpuprofile> [--after SECONDS] [--top N]`: the top of a
// `node --cpu-prof` profile by self time, per function and per package (or source file), so a
// profile taken under load can be read without DevTools. `--after` skips the first seconds of the
// profile (start-up: compiling TypeScript, migrating, seeding) so only the time under load counts.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { after: { type: 'string', default: '0' }, top: { type: 'string', default: '20' } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: bench-profile-top.ts <file.cpuprofile> [--after SECONDS] [--top N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const skipMicros = Number(values.after) * 1e6;
const top = Number(values.top);

/** Where a function lives: the npm package, the project's source file, or node's internals. */
function placeOf(url: string): string {
  if (!url) return '(native / V8)';
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packaged) return packaged[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const source = /\/((?:src|scripts)\/.*)$/.exec(url);
  return source ? source[1]! : url;
}

const selfByFunction = new Map<string, number>();
const selfByPlace = new Map<string, number>();
let elapsed = 0;
let counted = 0;
let idle = 0;
for (let index = 0; index < profile.samples.length; index += 1) {
  elapsed += profile.timeDeltas[index] ?? 0;
  if (elapsed < skipMicros) continue;
  // A sample's delta is the time since the previous one: attribute the next delta to this sample.
  const spent = profile.timeDeltas[index + 1] ?? 0;
  const node = byId.get(profile.samples[index]!)!;
  const { functionName, url, lineNumber } = node.callFrame;
  // Waiting for the network or the database is not work: percentages are of the busy time.
  if (functionName === '(idle)') {
    idle += spent;
    continue;
  }
  const place = placeOf(url);
  const name = `${functionName || '(anonymous)'}  ${place}${url ? `:${lineNumber + 1}` : ''}`;
  selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + spent);
  selfByPlace.set(place, (selfByPlace.get(place) ?? 0) + spent);
  counted += spent;
}

const print = (title: string, table: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * micros) / counted).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
};
console.log(`${file}: ${(counted / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle, after the first ${values.after} s`);
print('Self time by function', selfByFunction);
print('Self time by package or source file', selfByPlace);
