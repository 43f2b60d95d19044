// src/http/date.ts against CPython 3.11 (fixtures/date-cases.json, from fixtures/gen-date.py):
// the IMF-fixdate of email.utils.formatdate(usegmt=True), log_date_time_string in several
// time zones, and the Date header's cache, dropped by a timer at each second boundary.

import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Tokenizer } from "../../src/contract/tokenizer.js";
import { httpDate, logDateTimeString, resetHttpDateCache } from "../../src/http/date.js";
import { JsTokenizer } from "../../src/tokenizer/js.js";

const cases = JSON.parse(readFileSync(new URL("./fixtures/date-cases.json", import.meta.url), "utf8")) as {
  http: [number, string][];
  log: Record<string, [number, string][]>;
};

/** A tokenizer that counts how often it is asked to format. */
function countingTokenizer(): Tokenizer & { calls: number } {
  const inner = new JsTokenizer();
  return {
    name: "counting",
    calls: 0,
    scan: inner.scan.bind(inner),
    formatDate(seconds: number) {
      this.calls++;
      return inner.formatDate(seconds);
    },
  };
}

describe("httpDate", () => {
  // The cache outlives a test (module state); fake timers set in one test never fire after it.
  beforeEach(() => {
    resetHttpDateCache();
  });
  afterEach(() => {
    vi.useRealTimers();
    resetHttpDateCache();
  });

  it.each(cases.http)("httpDate(%d) is formatdate's %s", (seconds, expected) => {
    expect(httpDate(new JsTokenizer(), seconds)).toBe(expected);
  });

  it("formats the current time, once per second", () => {
    const tok = countingTokenizer();
    vi.useFakeTimers();
    vi.setSystemTime(784111777_000);
    const first = httpDate(tok);
    expect(first).toBe("Sun, 06 Nov 1994 08:49:37 GMT");
    expect(tok.calls).toBe(1);
    vi.advanceTimersByTime(999);
    expect(httpDate(tok)).toBe(first);
    expect(tok.calls).toBe(1);
    vi.advanceTimersByTime(1);
    expect(httpDate(tok)).toBe("Sun, 06 Nov 1994 08:49:38 GMT");
    expect(tok.calls).toBe(2);
  });

  it("rolls over at the next second boundary when first asked mid-second", () => {
    const tok = countingTokenizer();
    vi.useFakeTimers();
    vi.setSystemTime(784111777_250);
    expect(httpDate(tok)).toBe("Sun, 06 Nov 1994 08:49:37 GMT");
    vi.advanceTimersByTime(749);
    expect(httpDate(tok)).toBe("Sun, 06 Nov 1994 08:49:37 GMT");
    vi.advanceTimersByTime(1);
    expect(httpDate(tok)).toBe("Sun, 06 Nov 1994 08:49:38 GMT");
    // Several seconds with no request: the next one still gets the current second.
    vi.advanceTimersByTime(5_500);
    expect(httpDate(tok)).toBe("Sun, 06 Nov 1994 08:49:43 GMT");
    expect(tok.calls).toBe(3);
  });

  it("does not read the clock while the cached second lasts", () => {
    const tok = countingTokenizer();
    vi.useFakeTimers();
    vi.setSystemTime(784111777_000);
    httpDate(tok);
    const now = vi.spyOn(Date, "now");
    for (let i = 0; i < 10; i++) expect(httpDate(tok)).toBe("Sun, 06 Nov 1994 08:49:37 GMT");
    expect(now).not.toHaveBeenCalled();
    now.mockRestore();
  });

  it("does not keep the process alive for its timer", () => {
    const unref = vi.fn();
    const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation((() => ({ unref })) as never);
    try {
      httpDate(countingTokenizer());
      expect(spy).toHaveBeenCalledTimes(1);
      expect(unref).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("does not disturb the current-second cache when given a timestamp", () => {
    const tok = countingTokenizer();
    vi.useFakeTimers();
    vi.setSystemTime(1700000000_000);
    const now = httpDate(tok);
    expect(httpDate(tok, 0)).toBe("Thu, 01 Jan 1970 00:00:00 GMT");
    expect(httpDate(tok, 784111777.9)).toBe("Sun, 06 Nov 1994 08:49:37 GMT");
    const calls = tok.calls;
    expect(httpDate(tok)).toBe(now);
    expect(tok.calls).toBe(calls);
  });
});

describe("logDateTimeString", () => {
  const savedTZ = process.env.TZ;
  afterEach(() => {
    if (savedTZ === undefined) delete process.env.TZ;
    else process.env.TZ = savedTZ;
  });

  for (const [zone, rows] of Object.entries(cases.log)) {
    it(`matches CPython's log_date_time_string in ${zone}`, () => {
      process.env.TZ = zone;
      for (const [seconds, expected] of rows) {
        expect(logDateTimeString(new Date(seconds * 1000)), `${seconds}`).toBe(expected);
      }
    });
  }

  it("defaults to now", () => {
    process.env.TZ = "UTC";
    vi.useFakeTimers();
    vi.setSystemTime(784111777_000);
    try {
      expect(logDateTimeString()).toBe("06/Nov/1994 08:49:37");
    } finally {
      vi.useRealTimers();
    }
  });

  it("formats now once per second, and again for another second or another monthname", () => {
    process.env.TZ = "UTC";
    vi.useFakeTimers();
    try {
      vi.setSystemTime(784111777_100);
      const first = logDateTimeString();
      vi.setSystemTime(784111777_900);
      expect(logDateTimeString()).toBe(first);
      expect(logDateTimeString(undefined, [null, "jan", "fév", "mar", "avr", "mai", "jui", "jul", "aoû", "sep", "oct", "nov", "déc"])).toBe(
        "06/nov/1994 08:49:37",
      );
      vi.setSystemTime(784111778_000);
      expect(logDateTimeString()).toBe("06/Nov/1994 08:49:38");
      vi.setSystemTime(784111777_000);
      expect(logDateTimeString()).toBe("06/Nov/1994 08:49:37");
    } finally {
      vi.useRealTimers();
    }
  });
});
