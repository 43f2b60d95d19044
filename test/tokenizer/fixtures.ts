// Reader for the literate tokenizer fixtures (test/tokenizer/fixtures/*.md, convention in
// fixtures/README.md): each `## heading` with an ```http block (the raw bytes) and an ```expect
// block (the outcome) becomes one Case. The shared suite (cases.case.ts) replays them.

import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DEFAULT_HEAD_LIMIT } from "../../src/contract/layout.js";
import { VIOLATION_NAMES } from "../../src/contract/violations.js";

const FIXTURE_DIR = fileURLToPath(new URL("./fixtures/", import.meta.url));

type Outcome =
  | { kind: "complete"; length: number }
  | { kind: "need-more" }
  | { kind: "violation"; code: number; name: string; at: number };

interface Expected {
  outcome: Outcome;
  method?: Uint8Array;
  target?: Uint8Array;
  version?: { text: Uint8Array; major: number; minor: number };
  words?: number;
  /** Empty lines skipped before the request line (T_REQUEST_LINE_START / 2). */
  emptyLines?: number;
  /** Public flag names (F_* without the F_ prefix, kebab-case); undefined when not listed. */
  flags?: string[];
  contentLength?: number;
  /** Header fields in arrival order; undefined when not listed. */
  headers?: Array<[Uint8Array, Uint8Array]>;
}

export interface Case {
  file: string;
  line: number;
  title: string;
  input: Uint8Array;
  headLimit: number;
  expected: Expected;
}

/** Decode one fixture text: `\r \n \t \\ \xNN` escapes and `{TEXT*N}` repeats (nestable). */
export function decode(text: string): Uint8Array {
  const out: number[] = [];
  decodeInto(text, out);
  return Uint8Array.from(out);
}

function decodeInto(text: string, out: number[]): void {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\") {
      const e = text[i + 1];
      if (e === "r") out.push(0x0d);
      else if (e === "n") out.push(0x0a);
      else if (e === "t") out.push(0x09);
      else if (e === "\\") out.push(0x5c);
      else if (e === "x") {
        const hex = text.slice(i + 2, i + 4);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error(`bad \\x escape in ${JSON.stringify(text)}`);
        out.push(parseInt(hex, 16));
        i += 2;
      } else throw new Error(`unknown escape \\${e} in ${JSON.stringify(text)}`);
      i++;
    } else if (ch === "{") {
      const close = matchingBrace(text, i);
      const inner = text.slice(i + 1, close);
      const star = lastTopLevelStar(inner);
      const count = Number(inner.slice(star + 1));
      if (star < 0 || !/^\d+$/.test(inner.slice(star + 1))) throw new Error(`bad repeat {${inner}}`);
      const unit: number[] = [];
      decodeInto(inner.slice(0, star), unit);
      for (let k = 0; k < count; k++) for (const b of unit) out.push(b);
      i = close;
    } else {
      const c = ch.charCodeAt(0);
      if (c > 0x7e) throw new Error(`non-ASCII character in fixture text; write \\x${c.toString(16)}`);
      out.push(c);
    }
  }
}

function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  throw new Error(`unbalanced { in ${JSON.stringify(text)}`);
}

function lastTopLevelStar(inner: string): number {
  let depth = 0;
  let star = -1;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === "\\") i++;
    else if (inner[i] === "{") depth++;
    else if (inner[i] === "}") depth--;
    else if (inner[i] === "*" && depth === 0) star = i;
  }
  return star;
}

/** The block's lines each end in CRLF, unless the line ends in a lone `\` (then nothing). */
export function decodeBlock(lines: string[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const crlf = Uint8Array.of(0x0d, 0x0a);
  for (const line of lines) {
    const cont = /(^|[^\\])(\\\\)*\\$/.test(line);
    parts.push(decode(cont ? line.slice(0, -1) : line));
    if (!cont) parts.push(crlf);
  }
  return Buffer.concat(parts);
}

const FLAG_NAMES = ["content-length", "transfer-encoding", "chunked", "close", "keep-alive", "expect-continue", "http09"];

function parseExpect(lines: string[], where: string): Expected {
  let outcome: Outcome | undefined;
  const e: Partial<Expected> = {};
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [word, ...rest] = line.split(" ");
    const arg = rest.join(" ");
    let m: RegExpMatchArray | null;
    if (word === "complete") outcome = { kind: "complete", length: Number(arg) };
    else if (word === "need-more") outcome = { kind: "need-more" };
    else if (word === "violation" && (m = /^([A-Z0-9_]+) at (\d+)$/.exec(arg))) {
      const code = VIOLATION_NAMES.indexOf(m[1]!);
      if (code <= 0) throw new Error(`${where}: unknown violation ${m[1]}`);
      outcome = { kind: "violation", code, name: m[1]!, at: Number(m[2]) };
    } else if (word === "method") e.method = decode(arg);
    else if (word === "target") e.target = decode(arg);
    else if (word === "version" && (m = /^(?:(\S+) )?(\d+)\.(\d+)$/.exec(arg))) {
      e.version = { text: decode(m[1] ?? ""), major: Number(m[2]), minor: Number(m[3]) };
    } else if (word === "words") e.words = Number(arg);
    else if (word === "empty-lines") e.emptyLines = Number(arg);
    else if (word === "flags") {
      e.flags = arg === "none" ? [] : arg.split(/\s+/);
      for (const f of e.flags) if (!FLAG_NAMES.includes(f)) throw new Error(`${where}: unknown flag ${f}`);
    } else if (word === "content-length") e.contentLength = Number(arg);
    else if (word === "headers" && arg === "none") e.headers = [];
    else if (/^header(\*\d+)?$/.test(word!)) {
      const times = word === "header" ? 1 : Number(word!.slice(7));
      const h = /^(\S+) =(?: (.*))?$/.exec(arg);
      if (!h) throw new Error(`${where}: bad header line ${JSON.stringify(line)}`);
      e.headers ??= [];
      const pair: [Uint8Array, Uint8Array] = [decode(h[1]!), decode(h[2] ?? "")];
      for (let k = 0; k < times; k++) e.headers.push(pair);
    } else throw new Error(`${where}: cannot read expect line ${JSON.stringify(line)}`);
  }
  if (!outcome || (outcome.kind === "complete" && !(outcome.length > 0))) throw new Error(`${where}: no outcome`);
  return { ...e, outcome };
}

/** One fenced block of a literate fixture file: its fence word and what follows it on the fence
 * line, its lines, and the `## heading` it stands under. */
interface FixtureBlock {
  fence: string;
  info: string;
  lines: string[];
  title: string;
  /** Where the heading is: `file:line`, for error messages and case names. */
  where: string;
  titleLine: number;
}

/**
 * The fenced blocks of a fixture file whose fence word is `input` or `expect`, in order, each as
 * one FixtureBlock; `pair(input, expect)` makes a case of an input block and the expect block
 * after it. A heading or an expect block without its input block before it is an error.
 */
export function fixtureCases<C>(file: string, text: string, input: string, pair: (input: FixtureBlock, expect: FixtureBlock) => C): C[] {
  const lines = text.split("\n");
  const cases: C[] = [];
  const fenceLine = new RegExp(`^\`\`\`(${input}|expect)\\b(.*)$`);
  let title = "";
  let titleLine = 0;
  let pending: FixtureBlock | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("## ")) {
      if (pending) throw new Error(`${file}:${titleLine}: ${input} block without expect block`);
      title = line.slice(3).trim();
      titleLine = i + 1;
      continue;
    }
    const fence = fenceLine.exec(line);
    if (!fence) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j] !== "```") body.push(lines[j++]!);
    if (j === lines.length) throw new Error(`${file}:${i + 1}: unterminated block`);
    const block: FixtureBlock = { fence: fence[1]!, info: fence[2]!, lines: body, title, where: `${file}:${titleLine}`, titleLine };
    if (block.fence === input) pending = block;
    else {
      if (!pending) throw new Error(`${block.where}: expect block without ${input} block`);
      cases.push(pair(pending, block));
      pending = undefined;
    }
    i = j;
  }
  return cases;
}

/** The text of every fixture file of `dir` (README.md describes the format and holds none). */
export function fixtureFiles(dir: string): [name: string, text: string][] {
  const files = readdirSync(dir).filter((f) => f.endsWith(".md") && f !== "README.md").sort();
  return files.map((f) => [f, readFileSync(dir + f, "latin1")]);
}

/** All cases of one fixture file. */
function parseFixture(file: string, text: string): Case[] {
  return fixtureCases(file, text, "http", (http, expect) => {
    const opts = /headLimit=(\d+)/.exec(http.info);
    return {
      file,
      line: http.titleLine,
      title: http.title,
      input: decodeBlock(http.lines),
      headLimit: opts ? Number(opts[1]) : DEFAULT_HEAD_LIMIT,
      expected: parseExpect(expect.lines, expect.where),
    };
  });
}

/** Every case of every fixture file (README.md describes the format and holds none). */
export function loadFixtures(): Case[] {
  return fixtureFiles(FIXTURE_DIR).flatMap(([f, text]) => parseFixture(f, text));
}
