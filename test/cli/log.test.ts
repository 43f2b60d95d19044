// The command's request log (src/cli/log.ts): lines gathered and written to stderr together,
// in order, at the latest FLUSH_MS after the first of them, at once past FLUSH_AT characters,
// and on flushLog() (which the process's exit calls). Fake timers: no waiting, no timing asserted.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FLUSH_AT, FLUSH_MS, flushLog, logLine } from "../../src/cli/log.js";

let writes: string[];
let original: typeof process.stderr.write;

beforeEach(() => {
  vi.useFakeTimers();
  writes = [];
  original = process.stderr.write;
  process.stderr.write = ((text: string) => (writes.push(text), true)) as typeof process.stderr.write;
});

afterEach(() => {
  flushLog();
  process.stderr.write = original;
  vi.useRealTimers();
});

describe("the command's log", () => {
  it("writes the lines of FLUSH_MS together, in order, in one write", () => {
    logLine("a\n");
    logLine("b\n");
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(FLUSH_MS - 1);
    logLine("c\n");
    expect(writes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(writes).toEqual(["a\nb\nc\n"]);
    logLine("d\n");
    vi.advanceTimersByTime(FLUSH_MS);
    expect(writes).toEqual(["a\nb\nc\n", "d\n"]);
  });

  it("writes at once past FLUSH_AT characters, and what is pending on flushLog()", () => {
    const long = "x".repeat(FLUSH_AT - 1) + "\n";
    logLine("first\n");
    logLine(long);
    expect(writes).toEqual(["first\n" + long]);
    logLine("last\n");
    flushLog();
    expect(writes).toEqual(["first\n" + long, "last\n"]);
    vi.advanceTimersByTime(FLUSH_MS);
    flushLog();
    expect(writes).toHaveLength(2);
  });
});
