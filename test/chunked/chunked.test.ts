// The chunked decoder (src/http/chunked.ts) against every literate fixture (fixtures/*.md, read
// by fixtures.ts): each body fed to a real SocketReader whole, split in two at every byte (a
// sample of positions for bodies over 4 KiB), and one byte at a time (bodies up to 2 KiB), each
// piece arriving on its own event-loop turn; read with read() and, whole, with readline().

import { Duplex } from "node:stream";
import { describe, expect, test } from "vitest";
import { ChunkedDecoder } from "../../src/http/chunked.js";
import { ChunkedEncodingError } from "../../src/http/errors.js";
import { read, readline } from "../../src/socketserver/byte-source.js";
import { ConnectionResetError } from "../../src/socketserver/errors.js";
import { SocketReader } from "../../src/socketserver/socket-reader.js";
import { type Case, loadFixtures } from "./fixtures.js";

const EVERY_SPLIT_MAX = 4096;
const BYTE_AT_A_TIME_MAX = 2048;
const SAMPLED_SPLITS = 64;

/** A socket stand-in: what is pushed arrives as 'data', push(null) is the peer's end. */
class Feed extends Duplex {
  override _read(): void {}
  override _write(_chunk: unknown, _enc: string, done: () => void): void {
    done();
  }
}

type Result = { data: Buffer; rest: Buffer } | { error: unknown };

/** Decode the body arriving as `pieces`, one per event-loop turn, then the peer's end. */
async function decode(pieces: Uint8Array[], lines = false): Promise<Result> {
  const feed = new Feed();
  const reader = new SocketReader(feed);
  const decoder = new ChunkedDecoder(reader);
  decoder.reset();
  const delivered = (async () => {
    for (const piece of pieces) {
      feed.push(Buffer.from(piece));
      await new Promise((resolve) => setImmediate(resolve));
    }
    feed.push(null);
  })();
  try {
    let data: Buffer;
    if (lines) {
      const parts: Buffer[] = [];
      for (let line = await readline(decoder); line.length > 0; line = await readline(decoder)) parts.push(line);
      data = Buffer.concat(parts);
    } else data = await read(decoder);
    expect(decoder.done).toBe(true);
    return { data, rest: await reader.read() };
  } catch (error) {
    return { error };
  } finally {
    await delivered;
  }
}

function splits(input: Uint8Array): Array<[string, Uint8Array[]]> {
  const out: Array<[string, Uint8Array[]]> = [["whole", [input]]];
  const n = input.length;
  const step = n <= EVERY_SPLIT_MAX ? 1 : Math.ceil(n / SAMPLED_SPLITS);
  for (let k = 1; k < n; k += step) out.push([`split at ${k}`, [input.subarray(0, k), input.subarray(k)]]);
  if (n > EVERY_SPLIT_MAX) out.push([`split at ${n - 1}`, [input.subarray(0, n - 1), input.subarray(n - 1)]]);
  if (n <= BYTE_AT_A_TIME_MAX) out.push(["one byte at a time", Array.from(input, (b) => Uint8Array.of(b))]);
  return out;
}

function show(bytes: Uint8Array): string {
  return JSON.stringify(Buffer.from(bytes).toString("latin1")).slice(0, 160);
}

function check(c: Case, how: string, got: Result): void {
  const where = `case at ${c.file}:${c.line} (${c.title}), ${how}`;
  const want = c.outcome;
  if ("error" in got) {
    const e = got.error;
    if (want.kind === "error") {
      expect(e, where).toBeInstanceOf(ChunkedEncodingError);
      expect((e as Error).message, where).toBe(want.message);
    } else if (want.kind === "reset") expect(e, where).toBeInstanceOf(ConnectionResetError);
    else throw new Error(`${where}: expected a body, got ${String(e)}`);
    return;
  }
  if (want.kind !== "body") throw new Error(`${where}: expected ${want.kind}, got data ${show(got.data)}`);
  expect(show(got.data), where).toBe(show(want.data));
  expect(show(got.rest), where).toBe(show(want.rest));
}

const cases = loadFixtures();
const files = [...new Set(cases.map((c) => c.file))];

test("the fixtures hold cases for every outcome", () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
  for (const kind of ["body", "error", "reset"]) expect(cases.some((c) => c.outcome.kind === kind)).toBe(true);
});

for (const file of files) {
  describe(file, () => {
    for (const c of cases.filter((x) => x.file === file)) {
      test(`${c.title} (line ${c.line})`, async () => {
        for (const [how, pieces] of splits(c.input)) check(c, how, await decode(pieces));
        check(c, "whole, by readline()", await decode([c.input], true));
      });
    }
  });
}
