// The request-line words as strings, made from the token table (src/contract/layout.ts) and the
// request's bytes: the method and the version interned (src/tokenizer/intern.ts, the decoded
// tokenizer API's own path), the target decoded once. parse_request (handler.ts) and the
// benchmark's consumer step (bench/candidates.ts) both read a request line through these functions.

import {
  T_METHOD_LEN, T_METHOD_OFF, T_REQUEST_LINE_END, T_REQUEST_LINE_START, T_TARGET_LEN, T_TARGET_OFF, T_VERSION_LEN,
  T_VERSION_OFF, T_VIOLATION_AT, T_WORDS,
} from "../contract/layout.js";
import { KNOWN_METHODS, internMethod, internVersion } from "../tokenizer/intern.js";
import { latin1 } from "../tokenizer/latin1.js";

/** Handler method names of the known methods, so dispatch builds no string. */
const DO_NAMES = new Map<string, string>(KNOWN_METHODS.map((m) => [m, "do_" + m]));

/** The method of the head at `source[start]` described by `table`. */
export function requestMethod(source: Uint8Array, start: number, table: Int32Array): string {
  return internMethod(source, start + table[T_METHOD_OFF]!, table[T_METHOD_LEN]!);
}

/** The request target (second word), as received. */
export function requestTarget(source: Uint8Array, start: number, table: Int32Array): string {
  const at = start + table[T_TARGET_OFF]!;
  return latin1(source, at, at + table[T_TARGET_LEN]!);
}

/** The HTTP-version word (the last word of a request line of three or more words). */
export function requestVersion(source: Uint8Array, start: number, table: Int32Array): string {
  return internVersion(source, start + table[T_VERSION_OFF]!, table[T_VERSION_LEN]!);
}

/** The last request line joined by plainRequestLine. */
let lastLine = { command: "", path: "", version: "", line: "  " };

/** `command SP path SP version`, the text of a plain request line (isPlainRequestLine): the
 * same string as the last one while its words repeat (a keep-alive client asking again). */
export function plainRequestLine(command: string, path: string, version: string): string {
  const last = lastLine;
  if (last.path === path && last.command === command && last.version === version) return last.line;
  const line = command + " " + path + " " + version;
  lastLine = { command, path, version, line };
  return line;
}

/**
 * Whether the request line is exactly `method SP target SP version`, each separator one SP:
 * then it equals its three words joined by spaces, and need not be decoded again.
 */
export function isPlainRequestLine(source: Uint8Array, start: number, table: Int32Array): boolean {
  const methodEnd = table[T_METHOD_OFF]! + table[T_METHOD_LEN]!;
  const targetOff = table[T_TARGET_OFF]!;
  const targetEnd = targetOff + table[T_TARGET_LEN]!;
  const versionOff = table[T_VERSION_OFF]!;
  return (
    table[T_WORDS] === 3 &&
    table[T_METHOD_OFF] === table[T_REQUEST_LINE_START] &&
    targetOff === methodEnd + 1 &&
    versionOff === targetEnd + 1 &&
    table[T_REQUEST_LINE_END] === versionOff + table[T_VERSION_LEN]! &&
    source[start + methodEnd] === 0x20 &&
    source[start + targetEnd] === 0x20
  );
}

/** The text of a request line refused before its end (a bare CR or LF in it, T_VIOLATION_AT):
 * the bytes up to the violation, without the CR or LF there. */
export function refusedRequestLine(source: Uint8Array, start: number, table: Int32Array): string {
  // The line starts after the empty lines skipped before it (RFC 9112 §2.2).
  const lineStart = table[T_REQUEST_LINE_START]!;
  let end = table[T_VIOLATION_AT]!;
  while (end > lineStart && (source[start + end - 1] === 0x0d || source[start + end - 1] === 0x0a)) end--;
  return latin1(source, start + lineStart, start + end);
}

/** `do_<command>`, the handler method a request is dispatched to. */
export function handlerMethodName(command: string): string {
  return DO_NAMES.get(command) ?? "do_" + command;
}
