// The character classes of RFC 9110 as a 256-entry table, one byte per input byte value.
// assembly/tables.ts holds the same table in a data segment.

/** tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
 *  / DIGIT / ALPHA (RFC 9110 §5.6.2): the bytes allowed in a header field name. */
export const TCHAR: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
  for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
  for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  for (const ch of "!#$%&'*+-.^_`|~") t[ch.charCodeAt(0)] = 1;
  return t;
})();
