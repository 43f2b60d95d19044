// Dates the handler writes: the IMF-fixdate of the Date header (formatted by the tokenizer
// backend, cached until the next second boundary) and the local time of log lines, as CPython's
// date_time_string and log_date_time_string. Called by src/http/handler.ts.

import type { Tokenizer } from "../contract/tokenizer.js";

/** BaseHTTPRequestHandler.monthname's default, CPython's: index 1 is January. */
export const MONTHNAME: readonly (string | null)[] = [null, "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** BaseHTTPRequestHandler.weekdayname's default, CPython's: index 0 is Monday. */
export const WEEKDAYNAME: readonly string[] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** The IMF-fixdate of the current second, or null once the second it names has passed. */
let cachedDate: string | null = null;

function dropCachedDate(): void {
  cachedDate = null;
}

/**
 * IMF-fixdate (RFC 9110 §5.6.7), `Sun, 06 Nov 1994 08:49:37 GMT`, for `seconds` since the
 * epoch (fractions dropped), or for now. "Now" is formatted once per second: the string is
 * kept until an unref'd timer drops it at the next second boundary (node:http's way), so the
 * common path is one variable read, without a clock read. The timer may run a little late on
 * a busy event loop; the Date header is then up to that late, as node:http's.
 */
export function httpDate(tokenizer: Tokenizer, seconds?: number): string {
  if (seconds !== undefined) return tokenizer.formatDate(Math.floor(seconds));
  if (cachedDate !== null) return cachedDate;
  const now = Date.now();
  const date = tokenizer.formatDate(Math.floor(now / 1000));
  cachedDate = date;
  // A timer that fires a little early (clock granularity) re-formats the same second and
  // arms another one for the rest of it.
  setTimeout(dropCachedDate, 1000 - (now % 1000)).unref();
  return date;
}

/** Forget the cached current date (for tests that move the clock without running timers). */
export function resetHttpDateCache(): void {
  cachedDate = null;
}

function two(n: number): string {
  return n < 10 ? "0" + n : "" + n;
}

/** The log date of the current second, for the monthname it was made with. */
let logSecond = Number.NaN;
let logMonths: readonly (string | null)[] | null = null;
let logText = "";

/** CPython's log_date_time_string: `'%02d/%3s/%04d %02d:%02d:%02d'` in local time,
 * `23/Nov/2026 19:30:47`, the month named by `monthname[1..12]` (the handler's class variable).
 * For now (no `date`), formatted once per second: one clock read per log line, not six local
 * time conversions. */
export function logDateTimeString(date?: Date, monthname: readonly (string | null)[] = MONTHNAME): string {
  if (date !== undefined) return formatLogDate(date, monthname);
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== logSecond || monthname !== logMonths) {
    logText = formatLogDate(new Date(now), monthname);
    logSecond = second;
    logMonths = monthname;
  }
  return logText;
}

function formatLogDate(date: Date, monthname: readonly (string | null)[]): string {
  return (
    `${two(date.getDate())}/${String(monthname[date.getMonth() + 1]).padStart(3, " ")}/${String(date.getFullYear()).padStart(4, "0")} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  );
}
