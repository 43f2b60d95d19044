// Content-Type from a file name, as CPython 3.11's SimpleHTTPRequestHandler.guess_type: the
// handler's own extensions_map first, then mimetypes.guess_type over CPython's built-in tables
// (src/http/simple/mime-types.ts), so every answer CPython's table gives stays the same. For a
// name those tables do not know, the mime-db database (what CPython finds in /etc/mime.types on
// a Linux machine: .webp, .woff2, .avif, .wasm, .md ...). Pure functions; src/http/simple-handler.ts
// calls guessType.

import mimeDb from "mime-db";
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
function mimeGuessType(url: string): [string | null, string | null] {
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

/** mime-db's sources, least preferred first (the order the mime-types package uses). */
const SOURCE_RANK = ["nginx", "apache", undefined, "iana"];

let dbTypes: Map<string, string> | null = null;

/** Extension (".webp") → type from mime-db, built on first use; ties settled as mime-types does. */
function databaseTypes(): Map<string, string> {
  if (dbTypes !== null) return dbTypes;
  const map = new Map<string, string>();
  for (const [type, entry] of Object.entries(mimeDb)) {
    for (const name of entry.extensions ?? []) {
      const ext = "." + name;
      const held = map.get(ext);
      if (held !== undefined && held !== "application/octet-stream") {
        const from = SOURCE_RANK.indexOf(mimeDb[held]!.source);
        const to = SOURCE_RANK.indexOf(entry.source);
        if (from > to || (from === to && held.startsWith("application/"))) continue;
      }
      map.set(ext, type);
    }
  }
  return (dbTypes = map);
}

/** The mime-db type of a name's extension (case-insensitive), or null. */
export function databaseType(path: string): string | null {
  const ext = splitext(path)[1];
  return ext === "" ? null : databaseTypes().get(ext.toLowerCase()) ?? null;
}

/**
 * SimpleHTTPRequestHandler.guess_type: `extensionsMap` by exact then lower-cased extension,
 * then mimetypes over CPython's built-in tables; then, for a name with neither a type nor a
 * compression encoding there, mime-db; then application/octet-stream.
 */
export function guessType(
  path: string,
  extensionsMap: Readonly<Record<string, string>> = DEFAULT_EXTENSIONS_MAP,
): string {
  const ext = splitext(path)[1];
  const own = (k: string) => (Object.prototype.hasOwnProperty.call(extensionsMap, k) ? extensionsMap[k] : undefined);
  const mapped = own(ext) ?? own(ext.toLowerCase());
  if (mapped !== undefined) return mapped;
  let type = tableTypes.get(path);
  if (type === undefined) {
    const [found, encoding] = mimeGuessType(path);
    type = found ?? (encoding === null ? databaseType(path) : null) ?? "application/octet-stream";
    if (tableTypes.size >= MAX_TABLE_TYPES) tableTypes.clear();
    tableTypes.set(path, type);
  }
  return type;
}

/** Paths remembered by guessType, at most; then forgotten at once. */
const MAX_TABLE_TYPES = 4096;
/** What the fixed tables (CPython's, then mime-db) say of a path: a pure function of the path,
 * remembered (extensions_map, which a program may change, is looked at on every call). */
const tableTypes = new Map<string, string>();

/**
 * Types in the format of /etc/mime.types (mimetypes.MimeTypes.readfp): each line a type and its
 * extensions, `#` starting a comment. Returns extension (".ext") → type, for extensions_map.
 */
export function readMimeTypes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const words = line.split(/\s+/).filter((w) => w !== "");
    const comment = words.findIndex((w) => w.startsWith("#"));
    if (comment >= 0) words.length = comment;
    if (words.length < 2) continue;
    for (const suffix of words.slice(1)) out["." + suffix] = words[0]!;
  }
  return out;
}
