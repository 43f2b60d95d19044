// The directory listing page, byte for byte as CPython 3.11's SimpleHTTPRequestHandler.list_directory
// writes it on a UTF-8 system: entries sorted by lower-cased name, `/` after directories, `@`
// after symbolic links, links percent-quoted and names HTML-escaped. Pure; the handler does the I/O.

import { htmlEscape } from "../../py/format.js";
import { UnicodeError, utf8Encode } from "../../py/codec.js";
import { quote, unquote } from "./url-path.js";

/** One name of the directory (fsdecoded: undecodable bytes as U+DC80-U+DCFF) and what it is. */
export interface ListingEntry {
  name: string;
  /** os.path.isdir: a directory, or a symbolic link to one. */
  isDir: boolean;
  /** os.path.islink. */
  isLink: boolean;
}

/** sys.getfilesystemencoding() on the systems basehttp serves from. */
export const LISTING_ENCODING = "utf-8";

/** Python's `a < b` on str: code point order (a JS `<` compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** `list.sort(key=lambda a: a.lower())`, stable, in place. */
export function sortListing(entries: ListingEntry[]): ListingEntry[] {
  const keyed = entries.map((e) => [e.name.toLowerCase(), e] as const);
  keyed.sort((p, q) => compareCodePoints(p[0], q[0]));
  keyed.forEach(([, e], i) => (entries[i] = e));
  return entries;
}

/** The `<title>` text: the request path unquoted (surrogatepass, else replace) and escaped. */
function displayPath(requestPath: string): string {
  let p: string;
  try {
    p = unquote(requestPath, "surrogatepass");
  } catch {
    p = unquote(requestPath);
  }
  return htmlEscape(p, false);
}

/** `'\n'.join(r).encode(enc, 'surrogateescape')`; where CPython would raise (a surrogate no file
 * name can hold, e.g. from `%ED%A0%80` in the URL) basehttp writes U+FFFD instead. */
function encode(text: string): Uint8Array {
  try {
    return utf8Encode(text, "surrogateescape");
  } catch (e) {
    if (!(e instanceof UnicodeError)) throw e;
    const unencodable = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udc7f\udd00-\udfff]/g;
    return utf8Encode(text.replace(unencodable, "\ufffd"), "surrogateescape");
  }
}

/** The HTML page for `entries` (already sorted) of the directory asked for as `requestPath`. */
export function renderListing(requestPath: string, entries: readonly ListingEntry[]): Uint8Array {
  const title = `Directory listing for ${displayPath(requestPath)}`;
  const r = [
    "<!DOCTYPE HTML>",
    '<html lang="en">',
    "<head>",
    `<meta charset="${LISTING_ENCODING}">`,
    `<title>${title}</title>\n</head>`,
    `<body>\n<h1>${title}</h1>`,
    "<hr>\n<ul>",
  ];
  for (const { name, isDir, isLink } of entries) {
    let displayname = name;
    let linkname = name;
    if (isDir) {
      displayname = name + "/";
      linkname = name + "/";
    }
    if (isLink) displayname = name + "@";
    r.push(`<li><a href="${quote(linkname, "/", "surrogatepass")}">${htmlEscape(displayname, false)}</a></li>`);
  }
  r.push("</ul>\n<hr>\n</body>\n</html>\n");
  return encode(r.join("\n"));
}
