// Violation codes: why a head was refused, written to T_VIOLATION by both backends.
// Each names the HTTP answer the server gives (docs/API.md, "Request parsing") and the rule.
// assembly/layout.ts repeats the numbers.

export const V_NONE = 0;
/** Request line of SP/HTAB only, or an empty line beyond the MAX_EMPTY_LINES skipped before a
 * request line (RFC 9112 §2.2): closed without an answer, as CPython closes on an empty line. */
export const V_EMPTY_REQUEST_LINE = 1;
/** Request line over 65,536 bytes with its CRLF: 414 (CPython). */
export const V_REQUEST_LINE_TOO_LONG = 2;
/** Request line with 1 or more than 3 words: 400 Bad request syntax (CPython). */
export const V_BAD_REQUEST_SYNTAX = 3;
/** Last word of a 3+-word request line is not HTTP/d.d: 400 Bad request version (CPython). */
export const V_BAD_VERSION = 4;
/** HTTP/2.0 and above: 505 Invalid HTTP version (CPython). */
export const V_VERSION_NOT_SUPPORTED = 5;
/** Two-word request line whose method is not GET: 400 Bad HTTP/0.9 request type (CPython). */
export const V_BAD_HTTP09_METHOD = 6;
/** Header line over 65,536 bytes with its CRLF: 431 Line too long (CPython). */
export const V_HEADER_LINE_TOO_LONG = 7;
/** 100 header fields or more (blank line counted, as CPython): 431 Too many headers. */
export const V_TOO_MANY_HEADERS = 8;
/** Head not complete within the head limit: 431. */
export const V_HEAD_TOO_LARGE = 9;
/** CR not followed by LF (RFC 9112 §2.2: bare CR must be rejected; CVE-2023-30589). 400. */
export const V_BARE_CR = 10;
/** LF not preceded by CR (RFC 9112 §2.2 allows it; basehttp refuses: CVE-2022-32214). 400. */
export const V_BARE_LF = 11;
/** NUL or another control byte in a header line (RFC 9110 §5.5: CR, LF and NUL must be refused). 400. */
export const V_HEADER_CONTROL_CHAR = 12;
/** A header name byte that is not a tchar (RFC 9110 §5.1), or an empty name. 400. */
export const V_INVALID_HEADER_NAME = 13;
/** SP/HTAB between the header name and its colon (RFC 9112 §5.1 MUST reject; CVE-2019-16276 Go, CVE-2019-16869 Netty). 400. */
export const V_WHITESPACE_BEFORE_COLON = 14;
/** Header line without a colon (RFC 9112 §5; CVE-2019-20444 Netty). 400. */
export const V_MISSING_COLON = 15;
/** Line beginning with SP/HTAB: obs-fold (RFC 9112 §5.2; CVE-2022-32215 llhttp multi-line
 * Transfer-Encoding), or whitespace before the first header (RFC 9112 §2.2). 400. */
export const V_OBS_FOLD = 16;
/** Content-Length not 1*DIGIT or too large (RFC 9110 §8.6). 400. */
export const V_INVALID_CONTENT_LENGTH = 17;
/** Content-Length given twice (RFC 9112 §6.3 (5); CVE-2019-20445 Netty). 400. */
export const V_REPEATED_CONTENT_LENGTH = 18;
/** Transfer-Encoding together with Content-Length (RFC 9112 §6.1, §6.3 (3); CL.TE smuggling, CVE-2019-15605 class). 400. */
export const V_TRANSFER_ENCODING_WITH_CONTENT_LENGTH = 19;
/** Transfer-Encoding whose final coding is not chunked (RFC 9112 §6.3 (4); CVE-2020-8287), or
 * that applies chunked more than once (RFC 9112 §6.1: "MUST NOT apply chunked more than once";
 * llhttp refuses it too). 400. */
export const V_TRANSFER_ENCODING_NOT_CHUNKED = 20;

export const VIOLATION_COUNT = 21;

/** Symbolic names, for test output and logs. */
export const VIOLATION_NAMES: readonly string[] = [
  "NONE",
  "EMPTY_REQUEST_LINE",
  "REQUEST_LINE_TOO_LONG",
  "BAD_REQUEST_SYNTAX",
  "BAD_VERSION",
  "VERSION_NOT_SUPPORTED",
  "BAD_HTTP09_METHOD",
  "HEADER_LINE_TOO_LONG",
  "TOO_MANY_HEADERS",
  "HEAD_TOO_LARGE",
  "BARE_CR",
  "BARE_LF",
  "HEADER_CONTROL_CHAR",
  "INVALID_HEADER_NAME",
  "WHITESPACE_BEFORE_COLON",
  "MISSING_COLON",
  "OBS_FOLD",
  "INVALID_CONTENT_LENGTH",
  "REPEATED_CONTENT_LENGTH",
  "TRANSFER_ENCODING_WITH_CONTENT_LENGTH",
  "TRANSFER_ENCODING_NOT_CHUNKED",
];

/** The rule each violation enforces, by code: the RFC section (CPython's limits cite the status
 * code's RFC). "" for V_NONE. */
export const VIOLATION_RFC: readonly string[] = [
  "",
  "RFC 9112 §3",
  "RFC 9112 §3",
  "RFC 9112 §3",
  "RFC 9112 §2.3",
  "RFC 9110 §15.6.6",
  "RFC 1945 §4.1",
  "RFC 6585 §5",
  "RFC 6585 §5",
  "RFC 6585 §5",
  "RFC 9112 §2.2",
  "RFC 9112 §2.2",
  "RFC 9110 §5.5",
  "RFC 9110 §5.1",
  "RFC 9112 §5.1",
  "RFC 9112 §5",
  "RFC 9112 §5.2",
  "RFC 9110 §8.6",
  "RFC 9112 §6.3",
  "RFC 9112 §6.1",
  "RFC 9112 §6.3",
];

/** The status basehttp's server answers each violation with; 0: the connection is closed
 * without an answer (an empty request line, as CPython). */
export const VIOLATION_STATUS: readonly number[] = [
  0, 0, 414, 400, 400, 505, 400, 431, 431, 431, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400,
];
