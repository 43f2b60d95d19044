// Python's float formatting for the `%e`, `%f` and `%g` of percentFormat (format.ts), as CPython's
// PyOS_double_to_string does it: the exact binary value rounded half to even to the digits asked
// for, at any precision, with no switch to exponent notation for large `%f` values. JavaScript's
// toFixed and toExponential round a tie away from zero ('%.0f' % 2.5 is '2', (2.5).toFixed(0) is
// "3"), stop at 100 digits, and toFixed writes 1e21 and above in exponent notation.

/** A finite x > 0 as [m, e] with x = m * 2**e (IEEE 754 binary64 fields). */
function decompose(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  const m = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  return biased === 0 ? [m, -1074] : [m | (1n << 52n), biased - 1075];
}

/** x * 10**k for a finite x >= 0, rounded half to even to an integer. */
function scaled(x: number, k: number): bigint {
  if (x === 0) return 0n;
  const [m, e] = decompose(x);
  let num = e >= 0 ? m << BigInt(e) : m;
  let den = e >= 0 ? 1n : 1n << BigInt(-e);
  if (k >= 0) num *= 10n ** BigInt(k);
  else den *= 10n ** BigInt(-k);
  const q = num / den;
  const twice = 2n * (num % den);
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** `%.{p}f` of |x| (finite): p digits after the point. */
export function fixedDigits(x: number, p: number): string {
  const digits = scaled(Math.abs(x), p).toString().padStart(p + 1, "0");
  return p === 0 ? digits : `${digits.slice(0, -p)}.${digits.slice(-p)}`;
}

/** Whether a finite x > 0 is at least 10**k, compared exactly. */
function atLeastPow10(x: number, k: number): boolean {
  const [m, e] = decompose(x);
  let left = m;
  let right = 1n;
  if (e >= 0) left <<= BigInt(e);
  else right <<= BigInt(-e);
  if (k >= 0) right *= 10n ** BigInt(k);
  else left *= 10n ** BigInt(-k);
  return left >= right;
}

/** `%.{p}e` of |x| (finite) as [its p + 1 significant digits, its decimal exponent]. */
export function exponentDigits(x: number, p: number): [digits: string, exponent: number] {
  x = Math.abs(x);
  if (x === 0) return ["0".repeat(p + 1), 0];
  // The exponent of x itself (10**E <= x < 10**(E+1)); log10 only estimates it: the double
  // nearest 1e-7 is below 1e-7, so its exponent is -8 although log10 gives -7 exactly.
  let exponent = Math.floor(Math.log10(x));
  while (!atLeastPow10(x, exponent)) exponent--;
  while (atLeastPow10(x, exponent + 1)) exponent++;
  const digits = scaled(x, p - exponent).toString();
  // Rounding can carry into one more digit (9.96 to two digits is 10.0): 1 followed by zeros.
  return digits.length > p + 1 ? [digits.slice(0, p + 1), exponent + 1] : [digits, exponent];
}
