// The request fields BaseHTTPRequestHandler (handler.ts) makes only when they are read:
// `headers` (a MessageClass over the head's bytes and token table), `requestline` (decoded
// ISO-8859-1) and `raw_requestline` (a view of the received bytes). parse_request points
// them at the head just read; a handler that never reads them does not pay for them.

import { T_REQUEST_LINE_END, T_REQUEST_LINE_START, T_WORDS } from "../contract/layout.js";
import { newTable } from "../contract/table.js";
import type { Tokenizer } from "../contract/tokenizer.js";
import { Deferred } from "../socketserver/deferred.js";
import { latin1 } from "../tokenizer/latin1.js";
import type { RequestHead } from "./connection.js";
import type { HTTPMessage } from "./message.js";

/** The constructor of `headers`: a view over the request bytes and the token table. */
export type MessageClass = new (source: Uint8Array, start: number, table: Int32Array) => HTTPMessage;

/** What builds `headers`: the handler, whose MessageClass is read when they are built. */
interface MessageMaker {
  readonly MessageClass: MessageClass;
}

const EMPTY = Buffer.alloc(0);


/** One handler's lazily made request fields, reused from request to request. It is also what
 * the handler's handle() returns while it waits between requests (a Deferred: no promise unless
 * one is asked for): one object per connection for both. */
export class RequestFields extends Deferred {
  /** `headers` once built or assigned (undefined before the first request). */
  #headers: HTTPMessage | undefined = undefined;
  /** The head `headers` is built from on first access: its bytes, start, length and token table
   * (one of the connection's two, intact until the head after next is read), or once the table
   * is given up (settle()), the tokenizer that scans the bytes again; null when built. */
  #headersTable: Int32Array | Tokenizer | null = null;
  #headersSource: Buffer | null = null;
  #headersStart = 0;
  #headersLength = 0;
  /** `requestline` once decoded or assigned; null: decode #lineSource[#lineStart, #lineEnd). */
  #requestline: string | null = "";
  #lineSource: Uint8Array | null = null;
  #lineStart = 0;
  #lineEnd = 0;
  /** `raw_requestline` as assigned; null: the current head's request line. */
  #rawRequestline: Uint8Array | null = null;
  /** The current head's request line, with its CRLF, once its table is given up (settle()). */
  #rawSource: Uint8Array | null = null;
  #rawStart = 0;
  #rawEnd = 0;

  /** `headers`, built now if they are still bytes and a token table. */
  headers(maker: MessageMaker): HTTPMessage {
    if (this.#headersTable !== null) this.#build(maker);
    return this.#headers as HTTPMessage;
  }

  /** Assign `headers` (no longer made from a head). */
  setHeaders(value: HTTPMessage): void {
    this.#headersTable = null;
    this.#headersSource = null;
    this.#headers = value;
  }

  /** `requestline`, decoded now if it is still bytes. */
  requestline(): string {
    let line = this.#requestline;
    if (line === null) {
      line = latin1(this.#lineSource!, this.#lineStart, this.#lineEnd);
      this.#requestline = line;
      this.#lineSource = null;
    }
    return line;
  }

  /** Assign `requestline` (no longer decoded from a head). */
  setRequestline(value: string): void {
    this.#lineSource = null;
    this.#requestline = value;
  }

  /** `raw_requestline`: as assigned, else the request line of `head` with its CRLF. */
  rawRequestline(head: RequestHead | null): Uint8Array {
    if (this.#rawRequestline !== null) return this.#rawRequestline;
    if (this.#rawSource !== null) return this.#rawSource.subarray(this.#rawStart, this.#rawEnd);
    if (head === null || head.table[T_WORDS] === 0) return EMPTY;
    const t = head.table;
    return head.bytes.subarray(head.start + t[T_REQUEST_LINE_START]!, head.start + t[T_REQUEST_LINE_END]! + 2);
  }

  /** Assign `raw_requestline`; null: the current head's again (a new request). */
  setRawRequestline(value: Uint8Array | null): void {
    this.#rawRequestline = value;
    this.#rawSource = null;
  }

  /** The token table of `head` (the current head) is given up (the connection goes idle, or
   * closes): keep what may still be read from it, the bytes `headers` are made from (if not made
   * yet: scanned again by `tokenizer` then, nothing kept per header meanwhile) and where
   * `raw_requestline` lies in the head's bytes. */
  settle(head: RequestHead | null, tokenizer: Tokenizer): void {
    if (this.#headersTable instanceof Int32Array) this.#headersTable = tokenizer;
    if (head === null || this.#rawRequestline !== null) return;
    const t = head.table;
    if (t[T_WORDS] === 0) {
      this.#rawRequestline = EMPTY;
      return;
    }
    this.#rawSource = head.bytes;
    this.#rawStart = head.start + t[T_REQUEST_LINE_START]!;
    this.#rawEnd = head.start + t[T_REQUEST_LINE_END]! + 2;
  }

  // Pointed at each head by parse_request; kept by handle_one_request while the next head is read.

  /** `headers` are the head `source[start, start + length)` described by `table`, built when
   * first read. */
  headersFrom(source: Buffer, start: number, length: number, table: Int32Array): void {
    this.#headersTable = table;
    this.#headersSource = source;
    this.#headersStart = start;
    this.#headersLength = length;
  }

  /** `requestline` is `source[start, end)`, decoded when first read. */
  requestlineFrom(source: Uint8Array, start: number, end: number): void {
    this.#lineSource = source;
    this.#lineStart = start;
    this.#lineEnd = end;
    this.#requestline = null;
  }

  /** The next head is about to be read into `table`: headers not built yet from it are built
   * now (only after a request whose parse_request failed). */
  release(table: Int32Array | null, maker: MessageMaker): void {
    if (this.#headersTable !== null && this.#headersTable === table) this.#build(maker);
  }

  #build(maker: MessageMaker): void {
    const saved = this.#headersTable!;
    let table: Int32Array;
    if (saved instanceof Int32Array) table = saved;
    else {
      // The same bytes scanned again give the same table (the head was complete and valid).
      table = newTable();
      saved.scan(this.#headersSource!, this.#headersStart, this.#headersStart + this.#headersLength, table, this.#headersLength);
    }
    this.#headersTable = null;
    this.#headers = new maker.MessageClass(this.#headersSource!, this.#headersStart, table);
    this.#headersSource = null;
  }
}
