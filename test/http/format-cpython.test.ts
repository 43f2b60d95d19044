// percentFormat (log_message's and error_message_format's `%`) and pyRepr against CPython 3.11's
// own `%` operator and repr() on random formats and arguments (fast-check): a handler written
// from the Python docs calls log_message("%s %r %5.2f", ...), and its log line must be Python's.
// Every conversion, flag, width and precision (`*` included), ints past 2**53 (bigint), floats
// with a fraction, nan and inf, strings with quotes and latin-1; errors compared by exception name.

import fc from "fast-check";
import { expect, test } from "vitest";
import { escapeControl, htmlEscape, percentFormat, pyRepr } from "../../src/py/format.js";
import { askPython } from "../compat/harness.js";

/** FORMAT_SEED=N draws another sample (the test's own is 14). */
const SEED = Number(process.env["FORMAT_SEED"] ?? 14);

type Tagged = { int: string } | { float: number | "nan" | "inf" | "-inf" } | { str: string };

/** Ask CPython for `fmt % tuple(args)` of each case: the text, or "!" and the exception's name. */
function cpython(cases: [string, Tagged[] | Record<string, Tagged>][]): string[] {
  const script = `
import json, sys
def value(t):
    if "int" in t: return int(t["int"])
    if "float" in t: return float(t["float"])
    return t["str"]
out = []
for fmt, args in json.load(sys.stdin):
    try:
        out.append(fmt % ({k: value(a) for k, a in args.items()} if isinstance(args, dict) else tuple(value(a) for a in args)))
    except Exception as e:
        out.append("!" + type(e).__name__)
json.dump(out, sys.stdout)
`;
  return askPython<string[]>(script, cases);
}

function js(t: Tagged): unknown {
  if ("int" in t) return Number.isSafeInteger(Number(t.int)) ? Number(t.int) : BigInt(t.int);
  if ("str" in t) return t.str;
  return t.float === "nan" ? NaN : t.float === "inf" ? Infinity : t.float === "-inf" ? -Infinity : t.float;
}

function ours(fmt: string, args: Tagged[] | Record<string, Tagged>): string {
  try {
    return percentFormat(fmt, Array.isArray(args) ? args.map(js) : Object.fromEntries(Object.entries(args).map(([k, v]) => [k, js(v)])));
  } catch (e) {
    return "!" + (e as Error).name;
  }
}

const value: fc.Arbitrary<Tagged> = fc.oneof(
  fc.integer({ min: -1000, max: 100000 }).map((n) => ({ int: String(n) })),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => ({ int: String(n) })),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }).filter((x) => !Number.isInteger(x)).map((x) => ({ float: x })),
  fc.constantFrom<Tagged>({ float: "nan" }, { float: "inf" }, { float: "-inf" }, { float: 0.5 }, { float: 2.5 }, { float: 0.125 }, { float: -0.1 }, { float: 1e-7 },
    { float: 123456.789 }, { float: 9.5 }, { float: 0.0001235 }, { float: 5e-324 }, { float: 1.5e15 + 0.5 }, { float: 1.25e-5 }),
  fc.string({ unit: fc.constantFrom(..."ab'\"\\ \t\n\x00\x7f\x80\xa0\xad\xe9\xff€日"), maxLength: 6 }).map((s) => ({ str: s })),
);
/** Every case formats as CPython formats it (or fails with the same exception), and more than
 * `succeeding` of them format at all (so the sample is not all errors). */
function expectSameAsCpython(cases: [string, Tagged[] | Record<string, Tagged>][], succeeding: number): void {
  const want = cpython(cases);
  const differ = cases.map(([f, a], i) => ({ f, a, want: want[i], got: ours(f, a) })).filter((x) => x.want !== x.got);
  expect(differ.slice(0, 5)).toEqual([]);
  expect(want.filter((w) => !w.startsWith("!")).length).toBeGreaterThan(succeeding);
}

/** A `*` argument: a small int mostly, now and then one past CPython's C ssize_t / int (OverflowError). */
const star: fc.Arbitrary<Tagged> = fc.oneof(
  { weight: 9, arbitrary: fc.integer({ min: -30, max: 120 }).map((n) => ({ int: String(n) })) },
  { weight: 1, arbitrary: fc.constantFrom<Tagged>({ int: String(2n ** 64n) }, { int: String(-(2n ** 64n)) }, { int: String(2n ** 40n) }, { float: 2.5 }, { str: "x" }) },
);

/** One conversion: its text and the arguments it takes (`*` ones first). */
const conversion: fc.Arbitrary<[string, Tagged[]]> = fc.record({
  flags: fc.subarray(["-", "+", " ", "#", "0"]).chain((f) => fc.shuffledSubarray(f, { minLength: f.length, maxLength: f.length })),
  width: fc.oneof(fc.constant(""), fc.integer({ min: 1, max: 25 }).map(String), fc.constant("*")),
  precision: fc.oneof(fc.constant(""), fc.constant("."), fc.integer({ min: 0, max: 17 }).map((p) => "." + p), fc.integer({ min: 90, max: 130 }).map((p) => "." + p), fc.constant(".*")),
  type: fc.constantFrom(..."diouxXeEfFgGcrsa%"),
  stars: fc.array(star, { minLength: 2, maxLength: 2 }),
  value,
}).map((c) => {
  const text = "%" + c.flags.join("") + c.width + c.precision + c.type;
  const args = [...(c.width === "*" ? [c.stars[0]!] : []), ...(c.precision === ".*" ? [c.stars[1]!] : [])];
  // A bare %% takes nothing; a % after flags, width or precision takes an argument (and is refused).
  if (text !== "%%") args.push(c.value);
  return [text, args];
});

test("percentFormat gives CPython 3.11's `%` result, or its exception, on 4,000 random formats and arguments", () => {
  const gen = fc.tuple(fc.array(fc.tuple(fc.constantFrom("", "a", " - ", "[x] "), conversion), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 9 }), value)
    .map(([parts, change, extra]): [string, Tagged[]] => {
      const args = parts.flatMap(([, [, a]]) => a);
      // Mostly the arguments the format takes; one short or one over now and then (TypeErrors).
      if (change === 0) args.pop();
      if (change === 1) args.push(extra);
      return [parts.map(([t, [c]]) => t + c).join(""), args];
    });
  expectSameAsCpython(fc.sample(gen, { numRuns: 4000, seed: SEED }), 1000);
}, 60_000);

test("pyRepr is CPython 3.11's repr() on every string of ISO-8859-1 characters (what request data decodes to)", () => {
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));
  const strings = [...all, ...fc.sample(fc.string({ unit: fc.constantFrom(...all), maxLength: 12 }), { numRuns: 2000, seed: 14 })];
  const want = askPython<string[]>("import json,sys; json.dump([repr(s) for s in json.load(sys.stdin)], sys.stdout)", strings);
  const differ = strings.map((s, i) => ({ s, want: want[i], got: pyRepr(s) })).filter((x) => x.want !== x.got);
  expect(differ.slice(0, 5)).toEqual([]);
});

test("escapeControl and htmlEscape are CPython 3.11's log-line escaping and html.escape on every ISO-8859-1 string drawn", () => {
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i));
  const strings = [...all, ...fc.sample(fc.string({ unit: fc.constantFrom(...all, "日", "😀"), maxLength: 12 }), { numRuns: 2000, seed: 14 })];
  const script = "import json, sys, html, http.server as s; json.dump([[x.translate(s.BaseHTTPRequestHandler._control_char_table), html.escape(x), html.escape(x, False)] for x in json.load(sys.stdin)], sys.stdout)";
  const want = askPython<string[][]>(script, strings);
  const differ = strings.map((s, i) => ({ s, want: want[i], got: [escapeControl(s), htmlEscape(s), htmlEscape(s, false)] })).filter((x) => JSON.stringify(x.want) !== JSON.stringify(x.got));
  expect(differ.slice(0, 5)).toEqual([]);
});

test("percentFormat with a mapping (error_message_format's %(code)d, %(message)s) gives CPython 3.11's result on 2,000 random formats", () => {
  const keyed = fc.tuple(fc.constantFrom("code", "code", "message", "message", "explain", "explain", "x"), conversion).map(([k, [text]]) => (text === "%%" ? text : "%(" + k + ")" + text.slice(1)));
  const gen = fc.tuple(fc.array(fc.tuple(fc.constantFrom("", "<p>", " - "), keyed), { minLength: 1, maxLength: 4 }), fc.record({ code: value, message: value, explain: value }, { requiredKeys: ["code", "message"] }))
    .map(([parts, map]): [string, Record<string, Tagged>] => [parts.map(([t, c]) => t + c).join(""), map as Record<string, Tagged>]);
  expectSameAsCpython(fc.sample(gen, { numRuns: 2000, seed: SEED }), 150);
}, 60_000);
