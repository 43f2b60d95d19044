// URL paths as CPython 3.11's http.server handles them: urllib.parse's quote, unquote, urlsplit
// and urlunsplit, posixpath.normpath, and SimpleHTTPRequestHandler.translate_path built on them.
// Pure string functions; src/http/simple-handler.ts and the listing call them.

import { type DecodeErrors, type EncodeErrors, utf8Decode, utf8Encode } from "../../py/codec.js";

const ALWAYS_SAFE = /[A-Za-z0-9_.\-~]/;

/** urllib.parse.quote(s, safe, errors): UTF-8 bytes outside `A-Za-z0-9_.-~` and `safe` as `%XX`. */
export function quote(s: string, safe = "/", errors: EncodeErrors = "strict"): string {
  let out = "";
  for (const b of utf8Encode(s, errors)) {
    const ch = String.fromCharCode(b);
    out += b < 0x80 && (ALWAYS_SAFE.test(ch) || safe.includes(ch)) ? ch : "%" + (b < 16 ? "0" : "") + b.toString(16).toUpperCase();
  }
  return out;
}

const HEX2 = /^[0-9A-Fa-f]{2}/;

/** urllib.parse.unquote_to_bytes for an ASCII string. */
function unquoteToBytes(s: string): Uint8Array {
  const bits = s.split("%");
  const out: number[] = [];
  const push = (t: string) => {
    for (let i = 0; i < t.length; i++) out.push(t.charCodeAt(i));
  };
  push(bits[0]!);
  for (let k = 1; k < bits.length; k++) {
    const item = bits[k]!;
    if (HEX2.test(item)) {
      out.push(parseInt(item.slice(0, 2), 16));
      push(item.slice(2));
    } else {
      out.push(0x25);
      push(item);
    }
  }
  return Uint8Array.from(out);
}

/**
 * urllib.parse.unquote(s, errors): `%XX` escapes in each run of ASCII characters are decoded as
 * UTF-8 with `errors`; characters outside ASCII are kept as they are. Throws UnicodeError when
 * `errors` is strict or surrogatepass and the bytes are not UTF-8.
 */
export function unquote(s: string, errors: DecodeErrors = "replace"): string {
  if (!s.includes("%")) return s;
  return s.replace(/[\x00-\x7f]+/g, (run) => utf8Decode(unquoteToBytes(run), errors));
}

/** posixpath.normpath. */
export function normpath(path: string): string {
  if (path === "") return ".";
  let initialSlashes = path.startsWith("/") ? 1 : 0;
  if (initialSlashes && path.startsWith("//") && !path.startsWith("///")) initialSlashes = 2;
  const comps: string[] = [];
  for (const comp of path.split("/")) {
    if (comp === "" || comp === ".") continue;
    if (comp !== ".." || (!initialSlashes && comps.length === 0) || (comps.length > 0 && comps[comps.length - 1] === "..")) {
      comps.push(comp);
    } else if (comps.length > 0) {
      comps.pop();
    }
  }
  const joined = "/".repeat(initialSlashes) + comps.join("/");
  return joined === "" ? "." : joined;
}

/** urllib.parse.SplitResult. */
export type SplitResult = [scheme: string, netloc: string, path: string, query: string, fragment: string];

const C0_OR_SPACE = /^[\x00-\x20]+/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+\-.]*$/;

/** urllib.parse.urlsplit. Throws a ValueError-like Error for an unbalanced IPv6 bracket, as CPython. */
export function urlsplit(url: string): SplitResult {
  url = url.replace(C0_OR_SPACE, "").replace(/[\t\r\n]/g, "");
  let scheme = "";
  let netloc = "";
  let query = "";
  let fragment = "";
  const colon = url.indexOf(":");
  if (colon > 0 && SCHEME.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    url = url.slice(colon + 1);
  }
  if (url.startsWith("//")) {
    let delim = url.length;
    for (const c of "/?#") {
      const w = url.indexOf(c, 2);
      if (w >= 0 && w < delim) delim = w;
    }
    netloc = url.slice(2, delim);
    url = url.slice(delim);
    if (netloc.includes("[") !== netloc.includes("]")) {
      const e = new Error("Invalid IPv6 URL");
      e.name = "ValueError";
      throw e;
    }
  }
  const hash = url.indexOf("#");
  if (hash >= 0) {
    fragment = url.slice(hash + 1);
    url = url.slice(0, hash);
  }
  const q = url.indexOf("?");
  if (q >= 0) {
    query = url.slice(q + 1);
    url = url.slice(0, q);
  }
  return [scheme, netloc, url, query, fragment];
}

const USES_NETLOC = new Set([
  "", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https", "shttp", "snews",
  "prospero", "rtsp", "rtsps", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss",
]);

/** urllib.parse.urlunsplit. */
export function urlunsplit([scheme, netloc, path, query, fragment]: SplitResult): string {
  let url = path;
  if (netloc || (scheme && USES_NETLOC.has(scheme) && url.slice(0, 2) !== "//")) {
    if (url && url[0] !== "/") url = "/" + url;
    url = "//" + netloc + url;
  }
  if (scheme) url = scheme + ":" + url;
  if (query) url += "?" + query;
  if (fragment) url += "#" + fragment;
  return url;
}

/** Python's str.isspace() characters, for rstrip(). */
const TRAILING_SPACE = /[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;

/**
 * SimpleHTTPRequestHandler.translate_path: the request path (query and fragment dropped,
 * unquoted, normalised) as a file name under `directory`. Every component that could leave the
 * directory is dropped: `.` and `..` (also from `%2e%2e`) on every platform, and on Windows,
 * where `\` and drive letters mean something to the file system, every component holding a
 * backslash or a colon (CPython drops those with a directory part; basehttp also refuses bare
 * `name:stream` NTFS alternate data streams). A trailing slash is kept.
 */
export function translatePath(path: string, directory: string, platform: string = process.platform): string {
  path = path.split("?", 1)[0]!.split("#", 1)[0]!;
  const trailingSlash = path.replace(TRAILING_SPACE, "").endsWith("/");
  try {
    path = unquote(path, "surrogatepass");
  } catch {
    path = unquote(path);
  }
  const windows = platform === "win32";
  const sep = windows ? "\\" : "/";
  let out = directory;
  for (const word of normpath(path).split("/")) {
    if (word === "" || word === "." || word === "..") continue;
    if (windows && /[\\:]/.test(word)) continue;
    out = out === "" ? word : out.endsWith(sep) || (windows && out.endsWith("/")) ? out + word : out + sep + word;
  }
  if (trailingSlash) out += "/";
  return out;
}
