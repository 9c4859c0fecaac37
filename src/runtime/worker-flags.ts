// The V8 flags the cluster's workers run with: the primary's own, plus a cap on the young
// generation unless the operator chose one (on the command line or in NODE_OPTIONS).
//
// V8 sizes the young generation by the machine's memory: on a machine of 16 GB or more each of
// its two semi-spaces grows to 64 MB under load, 128 MB a process, though the server's objects
// live for one request and a scavenge costs what survives it, not the space's size. Measured
// with the benchmark (README, Performance: fourth round), a worker's peak RSS on the catalogue's
// reads: 262–269 MB by default, 168–173 MB at 16 MB a semi-space, 161–168 MB at 8 MB. The reads
// lost nothing either way; the writes, whose requests live longer (a transaction, a row lock),
// spent 5–10% more CPU per request at 16 MB and 15–25% more at 8 MB.

/** MB of each of the young generation's two semi-spaces. */
const SEMI_SPACE_MB = 16;

/** V8 reads `--max-semi-space-size`, `--max_semi_space_size` and mixtures alike. */
const SEMI_SPACE_FLAG = /^--max[-_]semi[-_]space[-_]size(=|$)/;

export function workerExecArgv(primaryExecArgv: readonly string[], nodeOptions = ''): string[] {
  const chosen = [...primaryExecArgv, ...nodeOptions.split(/\s+/)].some((flag) => SEMI_SPACE_FLAG.test(flag));
  return chosen ? [...primaryExecArgv] : [...primaryExecArgv, `--max-semi-space-size=${SEMI_SPACE_MB}`];
}
