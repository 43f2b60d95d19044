// Validators and preconditions for static files: If-Modified-Since read exactly as CPython 3.11
// reads it (email.utils.parsedate_to_datetime and its UTC-only rule), and, beyond CPython, the
// ETag / If-None-Match / Range / If-Range rules of RFC 9110 §8.8.3, §13.1 and §14.
// Pure functions; src/http/simple-handler.ts calls them.

const MONTH_NAMES = [
  "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
];
const DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const TIMEZONES: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, AST: -400, ADT: -300, EST: -500, EDT: -400,
  CST: -600, CDT: -500, MST: -700, MDT: -600, PST: -800, PDT: -700,
};

/** Python's str.split() separators (str.isspace). */
const PY_WHITESPACE = /[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Python's int(str) for the ASCII strings a date holds; null where int() raises ValueError. */
function pyInt(s: string | undefined): number | null {
  if (s === undefined || !/^[+-]?\d+(?:_\d+)*$/.test(s)) return null;
  return Number(s.replace(/_/g, ""));
}

/** email._parseaddr._parsedate_tz: [yy, mm, dd, hh, mm, ss, tzoffset seconds | null] or null. */
function parsedateTz(data: string): [number, number, number, number, number, number, number | null] | null {
  let words = data.split(PY_WHITESPACE).filter((w) => w !== "");
  if (words.length === 0) return null;
  if (words[0]!.endsWith(",") || DAY_NAMES.includes(words[0]!.toLowerCase())) words.shift();
  else {
    const i = words[0]!.lastIndexOf(",");
    if (i >= 0) words[0] = words[0]!.slice(i + 1);
  }
  if (words.length === 3) {
    const stuff = words[0]!.split("-");
    if (stuff.length === 3) words = [...stuff, ...words.slice(1)];
  }
  if (words.length === 4) {
    const s = words[3]!;
    let i = s.indexOf("+");
    if (i === -1) i = s.indexOf("-");
    if (i > 0) words.splice(3, 1, s.slice(0, i), s.slice(i));
    else words.push("");
  }
  if (words.length < 5) return null;
  let [dd, mm, yy, tm, tz] = words as [string, string, string, string, string];
  if (!(dd && mm && yy)) return null;
  mm = mm.toLowerCase();
  if (!MONTH_NAMES.includes(mm)) {
    [dd, mm] = [mm, dd.toLowerCase()];
    if (!MONTH_NAMES.includes(mm)) return null;
  }
  let month = MONTH_NAMES.indexOf(mm) + 1;
  if (month > 12) month -= 12;
  if (dd.endsWith(",")) dd = dd.slice(0, -1);
  if (yy.indexOf(":") > 0) [yy, tm] = [tm, yy];
  if (yy.endsWith(",")) {
    yy = yy.slice(0, -1);
    if (!yy) return null;
  }
  if (!(yy[0]! >= "0" && yy[0]! <= "9")) [yy, tz] = [tz, yy];
  if (tm.endsWith(",")) tm = tm.slice(0, -1);
  let parts = tm.split(":");
  if (parts.length === 2) parts.push("0");
  else if (parts.length === 1 && parts[0]!.includes(".")) {
    parts = parts[0]!.split(".");
    if (parts.length === 2) parts.push("0");
    else if (parts.length !== 3) return null;
  } else if (parts.length !== 3) return null;
  const nums = [yy, dd, ...parts].map(pyInt);
  if (nums.some((n) => n === null)) return null;
  let [year, day, hh, mi, ss] = nums as number[];
  if (year! < 100) year! += year! > 68 ? 1900 : 2000;
  tz = tz.toUpperCase();
  let offset: number | null = null;
  if (Object.prototype.hasOwnProperty.call(TIMEZONES, tz)) offset = TIMEZONES[tz]!;
  else {
    offset = pyInt(tz.trim());
    if (offset === 0 && tz.startsWith("-")) offset = null;
  }
  if (offset) {
    const sign = offset < 0 ? -1 : 1;
    const abs = Math.abs(offset);
    offset = sign * (Math.floor(abs / 100) * 3600 + (abs % 100) * 60);
  }
  return [year!, month, day!, hh!, mi!, ss!, offset];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The instant an If-Modified-Since value names, in seconds since the epoch, or null when
 * CPython 3.11's send_head ignores it: unparsable, an impossible date, or a zone other than
 * UTC/GMT (CPython compares only UTC datetimes; a value without a zone counts as UTC).
 */
export function ifModifiedSinceSeconds(value: string): number | null {
  const t = parsedateTz(value);
  if (t === null) return null;
  const [year, month, day, hh, mi, ss, offset] = t;
  if (year < 1 || year > 9999 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59) return null;
  if (offset !== null && offset !== 0) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hh, mi, ss, 0);
  return d.getTime() / 1000;
}

/** A strong entity tag (RFC 9110 §8.8.3) from size and modification time, as nginx and serve-static build it. */
export function makeETag(size: number, mtimeMs: number): string {
  return `"${Math.floor(mtimeMs).toString(16)}-${size.toString(16)}"`;
}

/** The entity-tags of an If-None-Match / If-Match list (RFC 9110 §13.1.1), "*" as itself; null when malformed. */
export function parseETagList(value: string): string[] | null {
  const out: string[] = [];
  const s = value.trim();
  if (s === "*") return ["*"];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === " " || s[i] === "\t" || s[i] === ",")) i++;
    if (i >= s.length) break;
    const start = i;
    if (s.startsWith("W/", i)) i += 2;
    if (s[i] !== '"') return null;
    const close = s.indexOf('"', i + 1);
    if (close < 0) return null;
    i = close + 1;
    out.push(s.slice(start, i));
  }
  return out;
}

const opaque = (tag: string) => (tag.startsWith("W/") ? tag.slice(2) : tag);

/** If-None-Match (RFC 9110 §13.1.2): true when the list holds "*" or a weak match of `etag`. */
export function noneMatchHits(value: string, etag: string): boolean {
  const tags = parseETagList(value);
  if (tags === null) return false;
  return tags.some((t) => t === "*" || opaque(t) === opaque(etag));
}

/** If-Range (RFC 9110 §13.1.5): the Range applies only if the validator still matches, strongly. */
export function ifRangeHolds(value: string, etag: string, mtimeSeconds: number): boolean {
  const v = value.trim();
  if (v.startsWith('"') || v.startsWith("W/")) return !v.startsWith("W/") && v === etag;
  const when = ifModifiedSinceSeconds(v);
  return when !== null && when === mtimeSeconds;
}

/** The outcome of a Range header for a representation of `size` bytes (RFC 9110 §14.2). */
type RangeOutcome =
  | { kind: "ignore" }
  | { kind: "unsatisfiable" }
  | { kind: "range"; start: number; end: number };

/**
 * A `bytes` Range with a single range-spec: the inclusive [start, end] to send, "unsatisfiable"
 * (416), or "ignore" (200, the whole file) for other units, several ranges (RFC 9110 §14.2
 * lets a server ignore Range) or a malformed value (§14.1.1: an invalid range-spec voids it).
 */
export function parseRange(value: string, size: number): RangeOutcome {
  const m = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i.exec(value.trim());
  if (m === null) return { kind: "ignore" };
  const [, first, last] = m as unknown as [string, string, string];
  if (first === "") {
    if (last === "") return { kind: "ignore" };
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "range", start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return { kind: "ignore" };
  if (start >= size) return { kind: "unsatisfiable" };
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { kind: "range", start, end };
}
