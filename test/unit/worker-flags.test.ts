// The cluster's workers cap V8's young generation unless the operator chose its size.
import { expect } from 'chai';
import { workerExecArgv } from '../../src/runtime/worker-flags.js';

describe('workerExecArgv', () => {
  it("adds the young generation's cap to the primary's own flags", () => {
    expect(workerExecArgv([])).to.deep.equal(['--max-semi-space-size=16']);
    expect(workerExecArgv(['--enable-source-maps'], '--max-old-space-size=600')).to.deep.equal([
      '--enable-source-maps',
      '--max-semi-space-size=16',
    ]);
  });

  it('leaves the size to the operator who chose one, on the command line or in NODE_OPTIONS', () => {
    expect(workerExecArgv(['--max-semi-space-size=32'])).to.deep.equal(['--max-semi-space-size=32']);
    expect(workerExecArgv(['--max_semi_space_size=2'])).to.deep.equal(['--max_semi_space_size=2']);
    expect(workerExecArgv(['--enable-source-maps'], '--inspect  --max-semi-space-size=64')).to.deep.equal(['--enable-source-maps']);
  });
});
