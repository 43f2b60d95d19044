// The text of response heads that handler.ts buffers: the check that keeps CR, LF, NUL and
// characters beyond ISO-8859-1 out of them, the status line, header lines and Server value,
// which repeat from one response to the next and are made once while they stay the same, the
// head buffer (Python's _headers_buffer) that reuses the last head's text when a response
// repeats it line for line, and what a sent `Connection` header means.

import { ValueError } from "../py/errors.js";
import { pyRepr } from "../py/format.js";
import type { WritableFile } from "../socketserver/request-handler.js";
import { SocketWriter } from "../socketserver/socket-writer.js";

/** CR, LF and NUL split or truncate a response head (response splitting; RFC 9110 §5.5 keeps
 * them out of field values, RFC 9112 §4 out of the reason phrase); beyond U+00FF cannot be sent
 * as ISO-8859-1 (Python raises UnicodeEncodeError). */
const UNSAFE_HEAD_TEXT = /[\r\n\0\u0100-\uffff]/;
/** Head text already found safe: names and values repeat from one response to the next, and a
 * set lookup costs less than the scan. Bounded: cleared when full; long strings not kept. */
const SAFE_HEAD_TEXT = new Set<string>();
const SAFE_MEMO_ENTRIES = 1024;
const SAFE_MEMO_LENGTH = 256;

/** Whether `text` has CR, LF, NUL or a character beyond U+00FF. */
function unsafeHeadText(text: string): boolean {
  if (SAFE_HEAD_TEXT.has(text)) return false;
  if (UNSAFE_HEAD_TEXT.test(text)) return true;
  if (text.length <= SAFE_MEMO_LENGTH) {
    if (SAFE_HEAD_TEXT.size >= SAFE_MEMO_ENTRIES) SAFE_HEAD_TEXT.clear();
    SAFE_HEAD_TEXT.add(text);
  }
  return false;
}

/** send_header's refusal of a name or value unsafe in a head (out of line: the check stays small). */
function invalidHeader(keyword: string, value: string): never {
  throw new ValueError(`Invalid header ${pyRepr(keyword)}: ${pyRepr(value)}`);
}

/** The last status line made. */
let lastStatus = { protocol: "", code: -1, text: "", line: "" };

/** `protocol code text CRLF`; throws ValueError when `text` is unsafe in a head. */
export function statusLine(protocol: string, code: number, text: string): string {
  let status = lastStatus;
  if (status.code !== code || status.text !== text || status.protocol !== protocol) {
    if (unsafeHeadText(text)) throw new ValueError(`Invalid reason phrase ${pyRepr(text)}`);
    status = lastStatus = { protocol, code, text, line: `${protocol} ${code} ${text}\r\n` };
  }
  return status.line;
}

/** The last version string made. */
let lastVersion = { server: "", sys: "", both: " " };

/** `server sys`, the Server header value. */
export function versionString(server: string, sys: string): string {
  let v = lastVersion;
  if (v.server !== server || v.sys !== sys) v = lastVersion = { server, sys, both: server + " " + sys };
  return v.both;
}

/**
 * What a header the handler sends does to `close_connection`, as in CPython: `Connection:
 * close` sets it (true), `Connection: keep-alive` clears it (false); any other, undefined.
 */
export function connectionOption(keyword: string, value: string): boolean | undefined {
  if (keyword.length !== 10 || keyword.toLowerCase() !== "connection") return undefined;
  const lower = value.toLowerCase();
  if (lower === "close") return true;
  if (lower === "keep-alive") return false;
  return undefined;
}


/** The last line made per header name: `name: value CRLF`, kept while the value repeats. */
const LINES = new Map<string, { value: string; line: string }>();
const LINE_NAMES = 64;

/** `keyword: value CRLF`; throws ValueError when either is unsafe in a head. The same string
 * while the value stays the same (handler heads compare lines by identity, see HeadBuffer). */
export function headerLine(keyword: string, value: string): string {
  const memo = LINES.get(keyword);
  if (memo !== undefined && memo.value === value) return memo.line;
  if (unsafeHeadText(keyword) || unsafeHeadText(value)) invalidHeader(keyword, value);
  const line = keyword + ": " + value + "\r\n";
  if (memo !== undefined) {
    memo.value = value;
    memo.line = line;
  } else {
    if (LINES.size >= LINE_NAMES) LINES.clear();
    LINES.set(keyword, { value, line });
  }
  return line;
}

/** A head as sent: its lines (never changed once published) and their text. */
interface SentHead {
  readonly lines: readonly string[];
  readonly text: string;
  /** Its ISO-8859-1 bytes, made when it is first sent again; never changed. */
  bytes: Uint8Array | null;
}

/** The last head a HeadBuffer made text of that differed from the one before. */
let lastHead: SentHead = { lines: [], text: "", bytes: null };

/**
 * One handler's buffered head lines (Python's `_headers_buffer`). A keep-alive server mostly
 * sends the same head again (status, Server, Date of this second, the same fields): while every
 * line appended is the one at the same place in the last head sent (the same string, from the
 * memos above), nothing is built, and take() gives the last head's text, already flat
 * (takeEncoded() its bytes). A line
 * that differs starts a list of this head's own lines, which take() joins and publishes.
 */
export class HeadBuffer {
  /** The head followed while the lines match it; else the lines of this head; null when empty. */
  #head: SentHead | string[] | null = null;
  /** Lines appended while following #head. */
  #matched = 0;

  /** Whether no line is buffered. */
  get empty(): boolean {
    return this.#head === null;
  }

  append(line: string): void {
    const head = this.#head ?? (this.#head = lastHead);
    if (Array.isArray(head)) head.push(line);
    else if (this.#matched < head.lines.length && head.lines[this.#matched] === line) this.#matched++;
    else {
      const own = head.lines.slice(0, this.#matched);
      own.push(line);
      this.#head = own;
    }
  }

  /** The buffered text (without taking it). */
  text(): string {
    const head = this.#head;
    if (head === null) return "";
    if (Array.isArray(head)) return head.join("");
    return this.#matched === head.lines.length ? head.text : head.lines.slice(0, this.#matched).join("");
  }

  /** The buffered text; the buffer is empty after. */
  take(): string {
    const head = this.#head;
    const text = this.text();
    if (Array.isArray(head)) lastHead = { lines: head, text, bytes: null };
    this.clear();
    return text;
  }

  /** take(), as the last head's bytes when the buffer repeats it whole (shared by every head
   * that repeats it: copy them, never change them), else as text. */
  takeEncoded(): string | Uint8Array {
    const head = this.#head;
    if (head === null || Array.isArray(head) || this.#matched !== head.lines.length) return this.take();
    this.clear();
    return (head.bytes ??= Buffer.from(head.text, "latin1"));
  }

  clear(): void {
    this.#head = null;
    this.#matched = 0;
  }

  /** Write what is buffered to `out` (flush_headers), if anything: the connection's own writer
   * copies the head (bytes, or text encoded) into its staging memory; another file gets a Buffer. */
  flushTo(out: WritableFile): Promise<void> | undefined {
    if (this.empty) return undefined;
    const head = this.takeEncoded();
    if (out instanceof SocketWriter) return typeof head === "string" ? out.writeLatin1(head) : out.write(head);
    return out.write(typeof head === "string" ? Buffer.from(head, "latin1") : Buffer.from(head));
  }
}
