// Content-Type from a file name, as CPython 3.11's SimpleHTTPRequestHandler.guess_type: the
// handler's own extensions_map first, then mimetypes.guess_type over CPython's built-in tables
// (src/http/simple/mime-types.ts). Pure functions; src/http/simple-handler.ts calls guessType.

import { ENCODINGS_MAP, SUFFIX_MAP, TYPES_MAP } from "./mime-types.js";

/** SimpleHTTPRequestHandler.extensions_map in CPython 3.11: compressed files keep their own type. */
export const DEFAULT_EXTENSIONS_MAP: Readonly<Record<string, string>> = Object.freeze({
  ".gz": "application/gzip",
  ".Z": "application/octet-stream",
  ".bz2": "application/x-bzip2",
  ".xz": "application/x-xz",
});

/** posixpath.splitext: [root, ext], leading dots of the last component are not an extension. */
export function splitext(p: string): [string, string] {
  const sep = p.lastIndexOf("/");
  const dot = p.lastIndexOf(".");
  if (dot > sep) {
    for (let i = sep + 1; i < dot; i++) if (p[i] !== ".") return [p.slice(0, dot), p.slice(dot)];
  }
  return [p, ""];
}

/** mimetypes.guess_type(url, strict=True) over the built-in tables: [type, encoding]. */
export function mimeGuessType(url: string): [string | null, string | null] {
  const scheme = /^([^/:]+):([\s\S]*)$/.exec(url);
  if (scheme !== null && scheme[1]!.toLowerCase() === "data") {
    const data = scheme[2]!;
    const comma = data.indexOf(",");
    if (comma < 0) return [null, null];
    const semi = data.slice(0, comma).indexOf(";");
    let type = semi >= 0 ? data.slice(0, semi) : data.slice(0, comma);
    if (type.includes("=") || !type.includes("/")) type = "text/plain";
    return [type, null];
  }
  if (scheme !== null) url = scheme[2]!;
  let [base, ext] = splitext(url);
  for (let s = SUFFIX_MAP.get(ext.toLowerCase()); s !== undefined; s = SUFFIX_MAP.get(ext.toLowerCase())) {
    [base, ext] = splitext(base + s);
  }
  let encoding: string | null = null;
  const enc = ENCODINGS_MAP.get(ext);
  if (enc !== undefined) {
    encoding = enc;
    [base, ext] = splitext(base);
  }
  return [TYPES_MAP.get(ext.toLowerCase()) ?? null, encoding];
}

/**
 * SimpleHTTPRequestHandler.guess_type: `extensionsMap` by exact then lower-cased extension,
 * then mimetypes, then application/octet-stream.
 */
export function guessType(
  path: string,
  extensionsMap: Readonly<Record<string, string>> = DEFAULT_EXTENSIONS_MAP,
): string {
  const ext = splitext(path)[1];
  const own = (k: string) => (Object.prototype.hasOwnProperty.call(extensionsMap, k) ? extensionsMap[k] : undefined);
  return own(ext) ?? own(ext.toLowerCase()) ?? mimeGuessType(path)[0] ?? "application/octet-stream";
}
