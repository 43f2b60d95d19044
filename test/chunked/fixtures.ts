// Reader for the literate chunked-body fixtures (test/chunked/fixtures/*.md, convention in
// fixtures/README.md): each `## heading` with a ```body block (the bytes after a request head
// with `Transfer-Encoding: chunked`) and an ```expect block becomes one Case. chunked.test.ts
// replays them. The byte notation is the tokenizer fixtures' (test/tokenizer/fixtures.ts).

import { fileURLToPath } from "node:url";
import { decode, decodeBlock, fixtureCases, fixtureFiles } from "../tokenizer/fixtures.js";

const FIXTURE_DIR = fileURLToPath(new URL("./fixtures/", import.meta.url));

type Outcome =
  /** The body decodes to `data`; `rest` is left unread after it (the next request). */
  | { kind: "body"; data: Uint8Array; rest: Uint8Array }
  /** ChunkedEncodingError with this message (answered 400, connection closed). */
  | { kind: "error"; message: string }
  /** The peer ends its side inside the body: ConnectionResetError. */
  | { kind: "reset" };

export interface Case {
  file: string;
  line: number;
  title: string;
  input: Uint8Array;
  outcome: Outcome;
}

function parseExpect(lines: string[], where: string): Outcome {
  let data: Uint8Array | undefined;
  let rest: Uint8Array = new Uint8Array(0);
  let outcome: Outcome | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const space = line.indexOf(" ");
    const word = space < 0 ? line : line.slice(0, space);
    const arg = space < 0 ? "" : line.slice(space + 1);
    if (word === "data") data = decode(arg);
    else if (word === "rest") rest = decode(arg);
    else if (word === "error" && arg !== "") outcome = { kind: "error", message: arg };
    else if (word === "reset" && arg === "") outcome = { kind: "reset" };
    else throw new Error(`${where}: cannot read expect line ${JSON.stringify(line)}`);
  }
  if (data !== undefined) {
    if (outcome) throw new Error(`${where}: data together with ${outcome.kind}`);
    return { kind: "body", data, rest };
  }
  if (!outcome) throw new Error(`${where}: no outcome (data, error or reset)`);
  return outcome;
}

/** All cases of one fixture file. */
function parseFixture(file: string, text: string): Case[] {
  return fixtureCases(file, text, "body", (body, expect) => ({
    file,
    line: body.titleLine,
    title: body.title,
    input: decodeBlock(body.lines),
    outcome: parseExpect(expect.lines, expect.where),
  }));
}

/** Every case of every fixture file (README.md describes the format and holds none). */
export function loadFixtures(): Case[] {
  return fixtureFiles(FIXTURE_DIR).flatMap(([f, text]) => parseFixture(f, text));
}
