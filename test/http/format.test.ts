// src/py/format.ts against CPython 3.11's own answers, dumped once into
// fixtures/format-cases.json by fixtures/gen-format.py (inputs and expected outputs side by side).

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { escapeControl, htmlEscape, percentFormat, pyRepr } from "../../src/py/format.js";

interface Cases {
  repr: [string, string][];
  percent: [string, unknown[] | Record<string, unknown>, { ok?: string; error?: string; message?: string }][];
  html: [string, boolean, string][];
  control: [string, string][];
}

const cases = JSON.parse(
  readFileSync(new URL("./fixtures/format-cases.json", import.meta.url), "utf8"),
) as Cases;

function show(s: string): string {
  return JSON.stringify(s);
}

describe("pyRepr (Python repr of a str)", () => {
  it("matches CPython for every latin-1 character alone", () => {
    const latin1 = cases.repr.slice(0, 256);
    expect(latin1.map(([s]) => s.charCodeAt(0))).toEqual([...Array(256).keys()]);
    for (const [input, expected] of latin1) expect(pyRepr(input), show(input)).toBe(expected);
  });

  it.each(cases.repr.slice(256))("repr(%j)", (input, expected) => {
    expect(pyRepr(input)).toBe(expected);
  });
});

describe("percentFormat (format % args)", () => {
  it.each(cases.percent)("%j %% %j", (format, args, expected) => {
    if (expected.ok !== undefined) {
      expect(percentFormat(format, args)).toBe(expected.ok);
    } else {
      let thrown: unknown;
      try {
        percentFormat(format, args);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(Error);
      const err = thrown as Error;
      expect(err.name).toBe(expected.error);
      expect(err.message).toBe(expected.message);
      if (expected.error === "TypeError") expect(err).toBeInstanceOf(TypeError);
    }
  });
});

describe("percentFormat of floats that are no integer", () => {
  // Not in the JSON fixture (JSON has no NaN or Infinity); CPython 3.11's errors, as
  // `"%d" % float("nan")` and `"%d" % float("inf")` raise them.
  it.each([
    ["%d", Number.NaN, "ValueError", "cannot convert float NaN to integer"],
    ["%d", Number.POSITIVE_INFINITY, "OverflowError", "cannot convert float infinity to integer"],
    ["%x", Number.NEGATIVE_INFINITY, "TypeError", "%x format: an integer is required, not float"],
    ["%i", Number.NEGATIVE_INFINITY, "OverflowError", "cannot convert float infinity to integer"],
  ])("%j %% %s", (format, value, name, message) => {
    expect(() => percentFormat(format, [value])).toThrow(expect.objectContaining({ name, message }));
  });
});

describe("htmlEscape (html.escape)", () => {
  it.each(cases.html)("html.escape(%j, %s)", (input, quote, expected) => {
    expect(htmlEscape(input, quote)).toBe(expected);
  });

  it("quotes by default", () => {
    expect(htmlEscape(`"'`)).toBe("&quot;&#x27;");
  });
});

describe("escapeControl (CPython 3.11 _control_char_table)", () => {
  it.each(cases.control)("translate(%j)", (input, expected) => {
    expect(escapeControl(input)).toBe(expected);
  });
});
