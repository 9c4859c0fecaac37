// Money is exact: numeric(10,2) in the database, "1495.00" strings on the wire, and integer minor
// units (paise) whenever it is added or multiplied. No floating-point arithmetic touches it.

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

/** "1495", "1495.5", "1495.50" or 1495.5 → 149550. Throws on anything else. */
export function toMinorUnits(amount: string | number): number {
  const text = typeof amount === 'number' ? numberToText(amount) : amount.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`Not an amount with at most two decimals: ${String(amount)}`);
  const minor = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Amount out of range: ${String(amount)}`);
  return minor;
}

/** A JSON number like 1495.5 arrives as a double; its shortest decimal text is what the client wrote. */
function numberToText(amount: number): string {
  if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`Not a valid amount: ${amount}`);
  return String(amount);
}

/** 149550 → "1495.50". */
export function formatMinorUnits(minor: number): string {
  if (!Number.isSafeInteger(minor) || minor < 0) throw new RangeError(`Not a valid amount in minor units: ${minor}`);
  const whole = Math.floor(minor / 100);
  const cents = String(minor % 100).padStart(2, '0');
  return `${whole}.${cents}`;
}

/** Normalises a database numeric (string) or input amount to the wire format "1495.00". */
export function formatMoney(amount: string | number): string {
  return formatMinorUnits(toMinorUnits(amount));
}
