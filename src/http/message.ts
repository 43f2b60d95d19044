// HTTPMessage: the request headers (`handler.headers`) as a lazy view over the token table
// (src/contract/layout.ts) and the request's own bytes. Nothing is decoded up front: names are
// compared byte by byte, and strings are made (ISO-8859-1, as Python) only for what is asked.
// request-fields.ts builds one, as the handler's MessageClass, when `headers` is first read.

import { HEADER_NAME_ID, HEADER_SLOTS, T_HEADER_COUNT, T_HEADERS } from "../contract/layout.js";
import { headerName } from "../tokenizer/intern.js";
import { latin1 } from "../tokenizer/latin1.js";

/** Bytes a Q-encoded word keeps literally (RFC 2047 §5 (3), as Python's email.quoprimime). */
const Q_SAFE = /[A-Za-z0-9\-!*+/]/;

/**
 * A header value as CPython's compat32 policy writes it in str(message): ASCII text unchanged,
 * anything else as one RFC 2047 encoded word in UTF-8, `q` or `b`, whichever is shorter (`q` on a tie).
 */
function rfc2047(value: string): string {
  if (!/[^\x00-\x7f]/.test(value)) return value;
  const bytes = Buffer.from(value, "utf8");
  let q = "";
  for (const b of bytes) {
    const ch = String.fromCharCode(b);
    if (b === 0x20) q += "_";
    else if (Q_SAFE.test(ch)) q += ch;
    else q += "=" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  const bLength = Math.ceil(bytes.length / 3) * 4;
  return bLength < q.length ? `=?utf-8?b?${bytes.toString("base64")}?=` : `=?utf-8?q?${q}?=`;
}

/**
 * The request headers, in the interface of Python's `http.client.HTTPMessage` (an
 * `email.message.Message`) that handlers use: case-insensitive `get`, `get_all`, `keys`,
 * `values`, `items`, `has` (Python's `in`) and `size` (Python's `len`).
 *
 * Built by the handler from the request bytes (`source`, the head starting at `start`) and the
 * tokenizer's table. The header slots are copied (the table may be reused for the next request);
 * `source` is read when a value is asked for and must keep the head's bytes.
 */
export class HTTPMessage implements Iterable<[string, string]> {
  readonly #source: Uint8Array;
  readonly #start: number;
  /** name off, name len, value off, value len (relative to #start), name id per header. A plain array:
   * copying a few dozen numbers into one costs far less than a typed array of its own. */
  readonly #slots: number[];
  readonly #count: number;

  constructor(source: Uint8Array, start: number, table: Int32Array) {
    this.#source = source;
    this.#start = start;
    const count = table[T_HEADER_COUNT]!;
    const n = HEADER_SLOTS * count;
    const slots = new Array<number>(n);
    for (let i = 0; i < n; i++) slots[i] = table[T_HEADERS + i]!;
    this.#count = count;
    this.#slots = slots;
  }

  /** Number of header fields, duplicates included (Python's `len(headers)`). */
  get size(): number {
    return this.#count;
  }

  #name(i: number): string {
    // Interned as the decoded tokenizer API interns them (src/tokenizer/intern.ts): a common
    // name by the id the scan found.
    const h = i * HEADER_SLOTS;
    return headerName(this.#source, this.#start + this.#slots[h]!, this.#slots[h + 1]!, this.#slots[h + HEADER_NAME_ID]!);
  }

  #value(i: number): string {
    const at = this.#start + this.#slots[i * HEADER_SLOTS + 2]!;
    return latin1(this.#source, at, at + this.#slots[i * HEADER_SLOTS + 3]!);
  }

  /** Index of the first header from `from` on whose name equals `lower` (lower-cased) ignoring ASCII case, or -1. */
  #find(lower: string, from: number): number {
    const len = lower.length;
    const src = this.#source;
    const slots = this.#slots;
    for (let i = from; i < this.#count; i++) {
      if (slots[i * HEADER_SLOTS + 1] !== len) continue;
      const at = this.#start + slots[i * HEADER_SLOTS]!;
      let j = 0;
      for (; j < len; j++) {
        const b = src[at + j]!;
        if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== lower.charCodeAt(j)) break;
      }
      if (j === len) return i;
    }
    return -1;
  }

  /** The first value of the field `name` (any case), or `failobj` (undefined) when there is none. */
  get(name: string): string | undefined;
  get<T>(name: string, failobj: T): string | T;
  get<T>(name: string, failobj?: T): string | T | undefined {
    const i = this.#find(name.toLowerCase(), 0);
    return i < 0 ? failobj : this.#value(i);
  }

  /** Every value of the field `name` (any case) in arrival order, or `failobj` (undefined) when there is none. */
  get_all(name: string): string[] | undefined;
  get_all<T>(name: string, failobj: T): string[] | T;
  get_all<T>(name: string, failobj?: T): string[] | T | undefined {
    const lower = name.toLowerCase();
    const out: string[] = [];
    for (let i = this.#find(lower, 0); i >= 0; i = this.#find(lower, i + 1)) out.push(this.#value(i));
    return out.length === 0 ? failobj : out;
  }

  /** Whether the field `name` (any case) is present (Python's `name in headers`). */
  has(name: string): boolean {
    return this.#find(name.toLowerCase(), 0) >= 0;
  }

  /** Field names as received, in arrival order, duplicates included. */
  keys(): string[] {
    const out = new Array<string>(this.#count);
    for (let i = 0; i < this.#count; i++) out[i] = this.#name(i);
    return out;
  }

  /** Field values in arrival order. */
  values(): string[] {
    const out = new Array<string>(this.#count);
    for (let i = 0; i < this.#count; i++) out[i] = this.#value(i);
    return out;
  }

  /** [name, value] pairs in arrival order. */
  items(): [string, string][] {
    const out = new Array<[string, string]>(this.#count);
    for (let i = 0; i < this.#count; i++) out[i] = [this.#name(i), this.#value(i)];
    return out;
  }

  *[Symbol.iterator](): Iterator<[string, string]> {
    for (let i = 0; i < this.#count; i++) yield [this.#name(i), this.#value(i)];
  }

  /**
   * As CPython's `str(headers)`: `Name: value\n` per field, then `\n`; non-ASCII values are
   * RFC 2047-encoded, as its email package writes them.
   */
  toString(): string {
    let out = "";
    for (let i = 0; i < this.#count; i++) out += this.#name(i) + ": " + rfc2047(this.#value(i)) + "\n";
    return out + "\n";
  }
}
