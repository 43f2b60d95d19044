// The directory both SimpleHTTPRequestHandlers serve: files of many types, a subdirectory
// listing, index files, names that need HTML or URL escaping, non-ASCII and non-UTF-8 names,
// and symlinks inside and out. Every mtime is fixed, so Last-Modified is known in advance.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Every file's mtime: Thu, 02 Jan 2020 03:04:05.678 GMT (the fraction is dropped on the wire). */
const MTIME = Date.UTC(2020, 0, 2, 3, 4, 5, 678) / 1000;
export const LAST_MODIFIED = "Thu, 02 Jan 2020 03:04:05 GMT";

/** Files by name relative to the root (Buffer names are raw bytes, not UTF-8). */
const FILES: [string | Buffer, string | Buffer][] = [
  ["a.txt", "hello\n"],
  ["page.html", "<!DOCTYPE html><title>page</title>\n"],
  ["data.json", '{"a": 1}\n'],
  ["img.png", Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
  ["script.js", "console.log(1);\n"],
  ["style.css", "body { color: red }\n"],
  ["archive.tar.gz", "not really gzip"],
  ["notes.bz2", "bz"],
  ["UPPER.TXT", "upper\n"],
  ["noext", "no extension\n"],
  ["file.unknownext", "?\n"],
  ["empty.txt", ""],
  ["space name.txt", "space\n"],
  ["a&b<c>.txt", "amp\n"],
  ["quote'\"s.txt", "quotes\n"],
  ["pct%41.txt", "percent\n"],
  ["hash#.txt", "hash\n"],
  ["q?.txt", "question\n"],
  ["caf\u00e9.txt", "cafe\n"],
  ["\u65e5\u672c\u8a9e.txt", "nihongo\n"],
  [Buffer.from("f\xe9-latin1.txt", "latin1"), "latin-1 name\n"],
  ["sub/nested.txt", "nested\n"],
  ["sub/deeper/leaf.txt", "leaf\n"],
  ["withindex/index.html", "<p>index.html</p>\n"],
  ["withindex/other.txt", "other\n"],
  ["withhtm/index.htm", "<p>index.htm</p>\n"],
  ["a b/c d.txt", "spaced dir\n"],
];

const DIRS = ["emptydir", "sub", "sub/deeper", "withindex", "withhtm", "a b"];

/** Build the tree under a fresh temporary directory; returns [root, remove]. */
export function makeTree(): [string, () => void] {
  const base = mkdtempSync(path.join(tmpdir(), "basehttp-compat-"));
  const root = path.join(base, "root");
  mkdirSync(root);
  for (const d of DIRS) mkdirSync(path.join(root, d), { recursive: true });
  for (const [name, content] of FILES) {
    const full = typeof name === "string" ? path.join(root, name) : Buffer.concat([Buffer.from(root + "/"), name]);
    writeFileSync(full, content);
    utimesSync(full, MTIME, MTIME);
  }
  writeFileSync(path.join(base, "outside.txt"), "outside the served directory\n");
  utimesSync(path.join(base, "outside.txt"), MTIME, MTIME);
  symlinkSync("a.txt", path.join(root, "link-in.txt"));
  symlinkSync("sub", path.join(root, "link-dir"));
  symlinkSync(path.join(base, "outside.txt"), path.join(root, "link-out.txt"));
  for (const d of DIRS) utimesSync(path.join(root, d), MTIME, MTIME);
  utimesSync(root, MTIME, MTIME);
  return [root, () => rmSync(base, { recursive: true, force: true })];
}
