// The URL side of CGIHTTPRequestHandler (Lib/http/server.py, CPython 3.11): _url_collapse_path,
// which is_cgi runs before it compares a path with cgi_directories, so `..`, `.`, `//` and
// %-escapes cannot route around the check (CPython issues 19435 and 21323), and the split of
// the collapsed path into (directory, rest). Pure string functions; src/http/cgi-handler.ts calls them.

import { unquote } from "../simple/url-path.js";

/** Python's IndexError: more `..` than components before them (_url_collapse_path raises it). */
export class IndexError extends Error {
  override name = "IndexError";
  constructor(message = "pop from empty list") {
    super(message);
  }
}

function pop(parts: string[]): void {
  if (parts.length === 0) throw new IndexError();
  parts.pop();
}

/**
 * CPython's `_url_collapse_path`: the path before the first `?` unquoted, empty and `.`
 * components dropped and `..` applied (RFC 3986 §5.2.4-like), the query put back unchanged.
 * The result always starts with `/` and ends in `/` + the last component (`//` for the root).
 * Throws IndexError when `..` climbs above the root.
 */
export function urlCollapsePath(path: string): string {
  const q = path.indexOf("?");
  const query = q >= 0 ? path.slice(q + 1) : "";
  const parts = unquote(q >= 0 ? path.slice(0, q) : path).split("/");
  const head: string[] = [];
  for (const part of parts.slice(0, -1)) {
    if (part === "..") pop(head);
    else if (part !== "" && part !== ".") head.push(part);
  }
  let tail = parts[parts.length - 1]!;
  if (tail === "..") {
    pop(head);
    tail = "";
  } else if (tail === ".") {
    tail = "";
  }
  if (query !== "") tail = tail + "?" + query;
  return "/" + head.join("/") + "/" + tail;
}

/**
 * is_cgi's search: the shortest leading part of the collapsed path (ending before a `/`) that
 * is one of `cgiDirectories`, as `[dir, rest]`, or null. Throws IndexError as urlCollapsePath.
 */
export function splitCgiPath(path: string, cgiDirectories: readonly string[]): [dir: string, rest: string] | null {
  const collapsed = urlCollapsePath(path);
  let sep = collapsed.indexOf("/", 1);
  while (sep > 0 && !cgiDirectories.includes(collapsed.slice(0, sep))) sep = collapsed.indexOf("/", sep + 1);
  return sep > 0 ? [collapsed.slice(0, sep), collapsed.slice(sep + 1)] : null;
}
