// Interning of the words that repeat from request to request: methods, HTTP versions and header
// field names come back as the same string objects, found by comparing bytes, so a known word
// costs no decoding and no allocation. Only what is new is decoded (ISO-8859-1, as Python).
// One path for the decoded tokenizer API (head.ts) and the server (src/http/request-line.ts,
// message.ts). No node: import.

import { latin1 } from "./latin1.js";

/** The methods of RFC 9110 §9.3 and PATCH (RFC 5789). Methods are case-sensitive (RFC 9110 §9.1). */
export const KNOWN_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"] as const;
/** The versions a server meets (RFC 9112 §2.3). */
export const KNOWN_VERSIONS = ["HTTP/1.1", "HTTP/1.0"] as const;

/**
 * Header field names as browsers, curl, proxies and HTTP libraries spell them: the canonical
 * case (Firefox, Chrome, curl) and all lower case (HTTP/2 gateways, Node clients). Names are
 * interned as received, byte for byte: `Host` and `host` are two strings.
 */
export const COMMON_HEADER_NAMES: readonly string[] = (() => {
  const canonical = [
    "Host", "User-Agent", "Accept", "Accept-Language", "Accept-Encoding", "Accept-Charset", "Connection",
    "Keep-Alive", "Cookie", "Content-Length", "Content-Type", "Transfer-Encoding", "Expect", "Referer", "Origin",
    "Cache-Control", "Pragma", "Upgrade", "Upgrade-Insecure-Requests", "Authorization", "Range", "If-Range",
    "If-Modified-Since", "If-None-Match", "If-Match", "If-Unmodified-Since", "TE", "Trailer", "Via", "Forwarded",
    "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-IP", "X-Requested-With", "DNT",
    "Priority", "Date", "Sec-Fetch-Dest", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-User",
    "Sec-CH-UA", "Sec-CH-UA-Mobile", "Sec-CH-UA-Platform", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
    "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Content-Encoding", "Proxy-Authorization",
    "Proxy-Connection", "Max-Forwards", "From", "Access-Control-Request-Method", "Access-Control-Request-Headers",
  ];
  return [...canonical, ...canonical.map((n) => n.toLowerCase()).filter((n) => !canonical.includes(n))];
})();

/** Strings interned by length: the candidates for a word of that many bytes. */
type InternTable = (string[] | undefined)[];

function byLength(words: readonly string[]): InternTable {
  const out: InternTable = [];
  for (const w of words) (out[w.length] ??= []).push(w);
  return out;
}

const METHODS = byLength(KNOWN_METHODS);
const VERSIONS = byLength(KNOWN_VERSIONS);

/**
 * Header names live in an open-addressing table (power-of-two size, linear probing) keyed by a
 * hash of the length and three bytes, so a name costs one hash and, mostly, one comparison.
 * It holds the common names and the names learned since, up to LEARN_LIMIT (a client sending a
 * new name on every request cannot grow memory; past the bound a new name is decoded each time).
 */
const NAME_SLOTS = 1024;
const LEARN_LIMIT = 256;
/** Longest name worth learning. */
const LEARN_MAX = 64;
const nameTable: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined);
let learned = 0;

function hashName(len: number, first: number, mid: number, last: number): number {
  return (Math.imul(len ^ (first << 8) ^ (mid << 16) ^ (last << 24), 0x9e3779b1) >>> 22) & (NAME_SLOTS - 1);
}

function hashString(name: string): number {
  const len = name.length;
  return hashName(len, name.charCodeAt(0), name.charCodeAt(len >> 1), name.charCodeAt(len - 1));
}

/** Put `name` in the table (the caller checked it is not there and there is room). */
function insertName(name: string): void {
  let slot = hashString(name);
  while (nameTable[slot] !== undefined) slot = (slot + 1) & (NAME_SLOTS - 1);
  nameTable[slot] = name;
}
for (const name of COMMON_HEADER_NAMES) insertName(name);

/** The string in `list` whose char codes are exactly source[at, at + len), or undefined. */
function find(list: string[] | undefined, source: Uint8Array, at: number, len: number): string | undefined {
  if (list === undefined) return undefined;
  for (let k = 0; k < list.length; k++) {
    const known = list[k]!;
    let i = 0;
    while (i < len && source[at + i] === known.charCodeAt(i)) i++;
    if (i === len) return known;
  }
  return undefined;
}

/** source[at, at + len) as a string: a known word from `table` when the bytes are one, else decoded. */
function internWord(table: InternTable, source: Uint8Array, at: number, len: number): string {
  return (len > 0 ? find(table[len], source, at, len) : "") ?? latin1(source, at, at + len);
}

/** The request method at source[at, at + len) (a known method is a constant string). */
export function internMethod(source: Uint8Array, at: number, len: number): string {
  return internWord(METHODS, source, at, len);
}

/** The HTTP-version word at source[at, at + len) ("HTTP/1.1" and "HTTP/1.0" are constant strings). */
export function internVersion(source: Uint8Array, at: number, len: number): string {
  return internWord(VERSIONS, source, at, len);
}

/** The common names by name id (HEADER_NAME_ID of the token table; 0 is no common name).
 * Exported for decoders that read the id first (head.ts): a name with an id needs no other slot
 * of its field read. Not part of the public API (common.ts does not export it). */
export const NAME_BY_ID: readonly string[] = ["", ...COMMON_HEADER_NAMES];

/**
 * The header field name at source[at, at + len) whose name id the scan wrote in the token table
 * (HEADER_NAME_ID): a common name is taken by its id, with no byte compared; any other goes
 * through internHeaderName.
 */
export function headerName(source: Uint8Array, at: number, len: number, id: number): string {
  return id !== 0 ? NAME_BY_ID[id]! : internHeaderName(source, at, len);
}

/**
 * The header field name at source[at, at + len): a common name, or one seen before, is the same
 * string object every time; a new name is decoded and, within the bound, remembered.
 */
export function internHeaderName(source: Uint8Array, at: number, len: number): string {
  if (len === 0) return "";
  let slot = hashName(len, source[at]!, source[at + (len >> 1)]!, source[at + len - 1]!);
  for (;;) {
    const known = nameTable[slot];
    if (known === undefined) break;
    if (known.length === len) {
      let i = 0;
      while (i < len && source[at + i] === known.charCodeAt(i)) i++;
      if (i === len) return known;
    }
    slot = (slot + 1) & (NAME_SLOTS - 1);
  }
  const name = latin1(source, at, at + len);
  if (len <= LEARN_MAX && learned < LEARN_LIMIT) {
    learned++;
    nameTable[slot] = name;
  }
  return name;
}
