import { expect } from 'chai';
import { formatMinorUnits, formatMoney, toMinorUnits } from '../../src/money.js';

describe('money', () => {
  it('converts amounts to integer minor units exactly', () => {
    expect(toMinorUnits('1495')).to.equal(149500);
    expect(toMinorUnits('1495.5')).to.equal(149550);
    expect(toMinorUnits('0.10')).to.equal(10);
    expect(toMinorUnits(0.1)).to.equal(10);
    expect(toMinorUnits(1000000)).to.equal(100000000);
    // 0.1 + 0.2 is not 0.3 in floating point; in minor units it is.
    expect(toMinorUnits('0.1') + toMinorUnits('0.2')).to.equal(toMinorUnits('0.3'));
  });

  it('refuses anything that is not an amount with at most two decimals', () => {
    for (const bad of ['abc', '1.234', '-1', '', '1e3', ' 1 2']) expect(() => toMinorUnits(bad), bad).to.throw(RangeError);
    expect(() => toMinorUnits(-1)).to.throw(RangeError);
    expect(() => toMinorUnits(Number.NaN)).to.throw(RangeError);
  });

  it('formats with exactly two decimals', () => {
    expect(formatMinorUnits(149550)).to.equal('1495.50');
    expect(formatMinorUnits(5)).to.equal('0.05');
    expect(formatMoney('12')).to.equal('12.00');
  });
});
