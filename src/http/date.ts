// Dates the handler writes: the IMF-fixdate of the Date header (formatted by the tokenizer
// backend, cached for the current second) and the local time of log lines, as CPython's
// date_time_string and log_date_time_string. Called by src/http/handler.ts.

import type { Tokenizer } from "../contract/tokenizer.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

let cachedSecond = -1;
let cachedDate = "";

/**
 * IMF-fixdate (RFC 9110 §5.6.7), `Sun, 06 Nov 1994 08:49:37 GMT`, for `seconds` since the
 * epoch (fractions dropped), or for now. "Now" is formatted once per second and then served
 * from a one-entry cache: the common path is one Date.now() and one comparison.
 */
export function httpDate(tokenizer: Tokenizer, seconds?: number): string {
  if (seconds !== undefined) return tokenizer.formatDate(Math.floor(seconds));
  const now = Math.floor(Date.now() / 1000);
  if (now !== cachedSecond) {
    cachedDate = tokenizer.formatDate(now);
    cachedSecond = now;
  }
  return cachedDate;
}

function two(n: number): string {
  return n < 10 ? "0" + n : "" + n;
}

/** CPython's log_date_time_string: `'%02d/%3s/%04d %02d:%02d:%02d'` in local time, `23/Nov/2026 19:30:47`. */
export function logDateTimeString(date: Date = new Date()): string {
  return (
    `${two(date.getDate())}/${MONTHS[date.getMonth()]}/${String(date.getFullYear()).padStart(4, "0")} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}
