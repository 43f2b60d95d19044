// The token table: the one layout both tokenizer backends write and everything above reads.
// An Int32Array; every offset is relative to the first byte of the request (input-relative).
// assembly/layout.ts repeats these numbers for the WASM side; test/tokenizer/layout.test.ts
// holds the two equal.

/** Outcome: > 0 head complete (its length, final CRLF CRLF included; for HTTP/0.9 the request
 * line with its CRLF), 0 need more bytes, OUTCOME_VIOLATION on bad input. */
export const T_OUTCOME = 0;
/** Violation code (src/contract/violations.ts) when T_OUTCOME is OUTCOME_VIOLATION. */
export const T_VIOLATION = 1;
/** Offset of the byte the violation was found at. */
export const T_VIOLATION_AT = 2;
/** Resume state: the next byte the end-of-line search looks at. */
export const T_SCAN_POS = 3;
/** Resume state: the first byte of the line being read. */
export const T_LINE_START = 4;
/** Request line words: method (first), target (second), version (last, when 3 or more words). */
export const T_METHOD_OFF = 5;
export const T_METHOD_LEN = 6;
export const T_TARGET_OFF = 7;
export const T_TARGET_LEN = 8;
export const T_VERSION_OFF = 9;
export const T_VERSION_LEN = 10;
/** Parsed HTTP-version numbers (saturated at 999999999); 0.9 for a two-word request line. */
export const T_VERSION_MAJOR = 11;
export const T_VERSION_MINOR = 12;
/** Number of SP/HTAB-separated words in the request line. */
export const T_WORDS = 13;
/** End of the request line's text (its CRLF excluded); the line starts at T_REQUEST_LINE_START. */
export const T_REQUEST_LINE_END = 14;
/** Bit set, see F_* below. */
export const T_FLAGS = 15;
/** Content-Length value as hi * 2**32 + (lo >>> 0). */
export const T_CL_HI = 16;
export const T_CL_LO = 17;
/** Number of header fields stored from T_HEADERS on. */
export const T_HEADER_COUNT = 18;
/** Offset of the last Transfer-Encoding field value (for the final-coding violation). */
export const T_TE_AT = 19;
/** Offset of the request line's first byte: after the empty lines (CRLF) skipped before it
 * (RFC 9112 §2.2, at most MAX_EMPTY_LINES of them), 0 when there were none. */
export const T_REQUEST_LINE_START = 20;
/** First header slot; each header takes HEADER_SLOTS slots: name off, name len, value off, value
 * len, name id (HEADER_NAME_ID). */
export const T_HEADERS = 21;
export const HEADER_SLOTS = 5;
/** Slot of a header (from its first) holding its name id: 1 + the index in COMMON_HEADER_NAMES
 * (src/tokenizer/intern.ts) of the name whose bytes the field name is exactly, else 0. Both scans
 * find it in the common-name table (src/tokenizer/names.ts), so no name string is compared in
 * JavaScript afterwards. */
export const HEADER_NAME_ID = 4;
/** Header fields a table can hold. CPython refuses 100 (its count includes the blank line). */
export const MAX_HEADERS = 100;
export const TABLE_SLOTS = T_HEADERS + HEADER_SLOTS * MAX_HEADERS;

export const OUTCOME_NEED_MORE = 0;
export const OUTCOME_VIOLATION = -1;
/** WASM-internal: the line starting at T_LINE_START must be copied into memory (never escapes the backend). */
export const OUTCOME_NEED_LINE = -2;

/** Flags. */
export const F_HAS_CONTENT_LENGTH = 1;
export const F_HAS_TRANSFER_ENCODING = 2;
/** The final transfer coding of the last Transfer-Encoding field is `chunked`. */
export const F_CHUNKED = 4;
/** The first Connection field is `close` (case-insensitive), as CPython compares it. */
export const F_CONNECTION_CLOSE = 8;
/** The first Connection field is `keep-alive` (case-insensitive). */
export const F_CONNECTION_KEEP_ALIVE = 16;
/** The first Expect field is `100-continue` (case-insensitive). */
export const F_EXPECT_CONTINUE = 32;
/** Two-word request line `GET /path`: HTTP/0.9, no headers. */
export const F_HTTP09 = 64;
/** Internal: a Connection field has been seen (only the first one counts). */
export const F_SEEN_CONNECTION = 128;
/** Internal: an Expect field has been seen (only the first one counts). */
export const F_SEEN_EXPECT = 256;
/** Internal: `chunked` came before the final transfer coding (applied twice, or not last). */
export const F_CHUNKED_NOT_LAST = 512;

/** Limits, as CPython 3.11 (request line and header line include their CRLF). */
export const MAX_REQUEST_LINE = 65536;
export const MAX_HEADER_LINE = 65536;
/** Empty lines (CRLF) skipped before a request line (RFC 9112 §2.2 SHOULD ignore "at least one";
 * a bound, so a peer cannot keep a connection busy with them). One more is V_EMPTY_REQUEST_LINE:
 * closed without an answer, as CPython closes on the first. */
export const MAX_EMPTY_LINES = 8;
/** Lines after the request line, blank line included, that CPython accepts. */
export const MAX_HEADER_LINES = 100;
/** Default cap on the whole head (API.md). */
export const DEFAULT_HEAD_LIMIT = 1024 * 1024;
/** Content-Length values from here on are refused as malformed (100 TB; keeps the value exact in a double). */
export const CONTENT_LENGTH_LIMIT = 100_000_000_000_000;
/** Saturation of parsed version numbers. */
export const VERSION_NUMBER_CAP = 999_999_999;

/** The common-name table the scans match field names against (src/tokenizer/names.ts builds it;
 * the WASM loader writes it into linear memory): NAME_HASH_SLOTS little-endian u16 ids indexed by
 * a hash of the name's length and first, middle and last bytes (the top bits of a product, shifted
 * right by NAME_HASH_SHIFT; linear probing, 0 empty), then from NAME_ENTRIES_AT one entry of
 * NAME_ENTRY_BYTES per id: the name's bytes, zero-padded, and its length in the entry's last byte. */
export const NAME_HASH_SHIFT = 23;
export const NAME_HASH_SLOTS = 512;
export const NAME_ENTRY_BYTES = 32;
/** Longest name the table holds (an entry's last byte is its length). */
export const MAX_NAME_ID_LEN = 31;
/** Largest name id. */
export const MAX_NAME_ID = 255;
export const NAME_ENTRIES_AT = 2 * NAME_HASH_SLOTS;
/** Then, from NAME_BLOCK_AT, the table the WASM walk (assembly/walk.ts) looks names of 4 to 15
 * bytes up in with no probing (it holds those of 1 to 3 bytes too, which the walk hands to nameId): NAME_BLOCK_SLOTS entries of 16 bytes (the name, then ':', then
 * zeros), then from NAME_BLOCK_IDS_AT one little-endian u16 per slot: the id, plus NAME_BLOCK_SPECIAL
 * for the names the scan interprets (Content-Length, Connection, Expect; Transfer-Encoding, at 17
 * bytes, is not in this table and is found as before), and NAME_BLOCK_CONNECTION for Connection. The slot is a perfect hash (no two
 * common names of 1 to 15 bytes share one: src/tokenizer/names.ts throws otherwise) of the first
 * and last four bytes (nameBlockSlot; not the length: an entry's colon lane tells a name of another length from it), the top
 * bits of a product with NAME_BLOCK_MULTIPLIER shifted right by NAME_BLOCK_SHIFT. */
export const NAME_BLOCK_AT = NAME_ENTRIES_AT + NAME_ENTRY_BYTES * (MAX_NAME_ID + 1);
export const NAME_BLOCK_SLOTS = 512;
export const NAME_BLOCK_SHIFT = 23;
export const NAME_BLOCK_MULTIPLIER = 0x59286205;
export const NAME_BLOCK_IDS_AT = NAME_BLOCK_AT + 16 * NAME_BLOCK_SLOTS;
export const NAME_BLOCK_SPECIAL = 0x100;
/** Also set, with NAME_BLOCK_SPECIAL, for Connection (either spelling): the walk takes it itself. */
export const NAME_BLOCK_CONNECTION = 0x200;
export const NAME_TABLE_BYTES = NAME_BLOCK_IDS_AT + 2 * NAME_BLOCK_SLOTS;
