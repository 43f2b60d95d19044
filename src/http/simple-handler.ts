// SimpleHTTPRequestHandler (Lib/http/server.py, CPython 3.11): serves the files under a
// directory with GET and HEAD. The CPython method names and steps are kept; the work is done by
// src/http/simple/* (paths, types, listing page, validators, file reading). Beyond CPython:
// symlinks cannot lead out of the directory, ETag/If-None-Match, Range/If-Range (RFC 9110).

import type { Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import type { Duplex } from "node:stream";
import type { BaseServer } from "../socketserver/base-server.js";
import type { Address, WritableFile } from "../socketserver/request-handler.js";
import { BaseHTTPRequestHandler } from "./handler.js";
import { HTTPStatus } from "./status.js";
import {
  ifModifiedSinceSeconds, ifRangeHolds, makeETag, noneMatchHits, parseRange,
} from "./simple/conditional.js";
import { SocketWriter } from "../socketserver/socket-writer.js";
import { CHECKED, type CachedFile, type CheckWaiter, type FileCache, type Route } from "./simple/file-cache.js";
import {
  BytesSource, FileSource, listEntries, locate, openFile, readWhole, toFsPath, type Located, type ResponseSource,
} from "./simple/files.js";
import { DEFAULT_EXTENSIONS_MAP, guessType } from "./simple/guess-type.js";
import { LISTING_ENCODING, renderListing, sortListing } from "./simple/listing.js";
import { translatePath, urlsplit, urlunsplit } from "./simple/url-path.js";

export type { ResponseSource } from "./simple/files.js";

/** CPython's http.server __version__. */
const VERSION = "0.6";

export interface SimpleHTTPRequestHandlerOptions {
  /** The directory to serve (default: the current directory when the handler is created). */
  directory?: string;
}

/** A cached answer waiting for FileCache.check: where the URL led, GET (body) or HEAD, its promise. */
type Waiting = { readonly route: Route; readonly body: boolean; resolve(): void; reject(error: unknown): void };

/** The cache key of a translated path: the directory too, whose containment check it passed. */
function cacheKey(directory: string, path: string): string {
  return directory + "\0" + path;
}

/** os.path.join for a translate_path result and one name. */
function join(path: string, name: string): string {
  if (path === "") return name;
  const sep = process.platform === "win32" ? "\\" : "/";
  return path.endsWith("/") || path.endsWith(sep) ? path + name : path + sep + name;
}

/**
 * Simple HTTP request handler with GET and HEAD commands: serves the files of `directory` and
 * its subdirectories, with a listing page for directories without `index.html`/`index.htm`,
 * and the Content-Type from `guess_type()`. HEAD sends what GET sends, without the body.
 *
 * The directory: `new SimpleHTTPRequestHandler(request, client_address, server, { directory })`,
 * or, for a server that creates handlers itself (Python's `partial(Handler, directory=...)`),
 * a subclass: `class extends SimpleHTTPRequestHandler { override directory = "/srv" }`.
 *
 * May be overridden: `do_GET`, `do_HEAD`, `send_head`, `list_directory`, `translate_path`,
 * `copyfile`, `guess_type`, and the class variable `extensions_map`.
 */
export class SimpleHTTPRequestHandler extends BaseHTTPRequestHandler implements CheckWaiter {
  /** Extension → Content-Type, looked up before the built-in types (exact, then lower-cased). */
  declare extensions_map: Record<string, string>;
  static {
    this.prototype.server_version = "SimpleHTTP/" + VERSION;
    this.prototype.extensions_map = { ...DEFAULT_EXTENSIONS_MAP };
  }

  /** The directory served. */
  directory: string;

  /** A cached answer waiting for its check (#answerFromCache), or null. */
  #waiting: Waiting | null = null;

  constructor(request: Duplex, client_address: Address, server: BaseServer, options: SimpleHTTPRequestHandlerOptions = {}) {
    super(request, client_address, server);
    this.directory = options.directory ?? process.cwd();
  }

  /** Serve a GET request. */
  override do_GET(): Promise<void> | undefined {
    const fast = this.#answerFromCache(true);
    return fast !== false ? fast : this.#get();
  }

  async #get(): Promise<void> {
    const f = await this.send_head();
    if (f === null) return;
    try {
      await this.copyfile(f, this.wfile);
      // The file shrank under us: the body is shorter than its Content-Length.
      if (f.truncated) this.close_connection = true;
    } finally {
      await f.close();
    }
  }

  /** Serve a HEAD request. */
  override do_HEAD(): Promise<void> | undefined {
    const fast = this.#answerFromCache(false);
    return fast !== false ? fast : this.#head();
  }

  async #head(): Promise<void> {
    const f = await this.send_head();
    if (f !== null) await f.close();
  }

  /**
   * GET and HEAD of a cached file, when send_head and copyfile are this class's own. While hits
   * come several a turn (FileCache.batching), the answer is made at the end of the event-loop
   * turn, once a stat() taken after this request was read finds the file unchanged
   * (FileCache.check: one stat per file for all the requests read in the turn), and a promise
   * returned; else the file is stat()ed and answered at once, without a promise (the socket's
   * backpressure returned, if any). False when the slow path must answer.
   */
  #answerFromCache(body: boolean): Promise<void> | undefined | false {
    const proto = SimpleHTTPRequestHandler.prototype;
    if (this.send_head !== proto.send_head || this.copyfile !== proto.copyfile) return false;
    const cache = (this.server as { fileCache?: FileCache | null } | null)?.fileCache ?? null;
    if (cache === null) return false;
    // translate_path is a pure function of the URL path and the directory: when it is this
    // class's own, where a URL path led last time is looked up, not worked out again.
    const own = this.translate_path === proto.translate_path;
    let route: Route | null | undefined = own ? cache.route(this.directory, this.path) : undefined;
    const known = route !== undefined;
    if (route === undefined) {
      route = this.#route(this.translate_path(this.path));
      if (route === null) return false;
    }
    if (!cache.batching) {
      const entry = cache.get(route.key, route.fsPath);
      if (entry === undefined) return false;
      cache.hit();
      if (own && !known) cache.remember(this.directory, this.path, route);
      return this.#answerEntry(entry, route, body);
    }
    if (cache.peek(route.key) === undefined) return false;
    if (own && !known) cache.remember(this.directory, this.path, route);
    const found = route;
    return new Promise<void>((resolve, reject) => {
      this.#waiting = { route: found, body, resolve, reject };
      cache.check(found.key, found.fsPath, this);
    });
  }

  /** The cache entry of #waiting, checked: answer from it, or from the disk when it is gone. */
  [CHECKED](entry: CachedFile | undefined): void {
    const { route, body, resolve, reject } = this.#waiting!;
    this.#waiting = null;
    try {
      if (entry === undefined) {
        (body ? this.#get() : this.#head()).then(resolve, reject);
        return;
      }
      const sent = this.#answerEntry(entry, route, body);
      if (sent === undefined) resolve();
      else sent.then(resolve, reject);
    } catch (error) {
      reject(error);
    }
  }

  /** Send the answer from a valid cache entry; the socket's backpressure, if any. */
  #answerEntry(entry: CachedFile, route: Route, body: boolean): Promise<void> | undefined {
    const answer = this.#answerBytes(entry.bytes, entry.mtimeMs, this.guess_type(route.file), entry);
    if (answer === null || !body || answer.bytes.length === 0) return undefined;
    return this.wfile.write(answer.bytes);
  }

  /**
   * Common code for GET and HEAD: sends the status line and headers and returns the body to
   * copy (the caller closes it), or null when there is nothing more to send (errors, 301, 304).
   * A small file already read is answered from the server's file cache (validated by one
   * stat() of the path), without opening it again.
   */
  async send_head(): Promise<ResponseSource | null> {
    let path = this.translate_path(this.path);
    const cache = (this.server as { fileCache?: FileCache | null } | null)?.fileCache ?? null;
    if (cache !== null) {
      const hit = this.#cached(cache, path);
      if (hit !== undefined) return hit;
    }
    let found = await locate(path, this.directory);
    if (found !== null && found.stats.isDirectory()) {
      let parts;
      try {
        parts = urlsplit(this.path);
      } catch {
        this.send_error(HTTPStatus.BAD_REQUEST, "Bad request path");
        return null;
      }
      if (!parts[2].endsWith("/")) {
        // Redirect browser - doing basically what apache does.
        this.send_response(HTTPStatus.MOVED_PERMANENTLY);
        this.send_header("Location", urlunsplit([parts[0], parts[1], parts[2] + "/", parts[3], parts[4]]));
        this.send_header("Content-Length", "0");
        this.end_headers();
        return null;
      }
      let index: Located | null = null;
      for (const name of ["index.html", "index.htm"]) {
        const candidate = join(path, name);
        index = await locate(candidate, this.directory);
        if (index !== null && index.stats.isFile()) {
          path = candidate;
          break;
        }
        index = null;
      }
      if (index === null) return this.list_directory(path);
      found = index;
    }
    const ctype = this.guess_type(path);
    // A trailing "/" names a directory, never a file (CPython issue 17324).
    if (path.endsWith("/") || found === null || !found.stats.isFile()) {
      this.send_error(HTTPStatus.NOT_FOUND, "File not found");
      return null;
    }
    const opened = await openFile(found.real);
    if (opened === null) {
      this.send_error(HTTPStatus.NOT_FOUND, "File not found");
      return null;
    }
    const { handle, stats } = opened;
    let bytes: Buffer | null = null;
    try {
      if (cache?.accepts(stats.size)) bytes = await readWhole(handle, stats.size);
      if (bytes === null) return this.#answerStream(handle, stats, ctype);
    } catch (error) {
      await handle.close();
      throw error;
    }
    await handle.close();
    cache!.set(cacheKey(this.directory, path), stats, bytes);
    return this.#answerBytes(bytes, stats.mtimeMs, ctype);
  }

  /**
   * The fast path: the answer from a valid cache entry for `path` (or, for a directory URL
   * ending in "/", its index.html), or undefined when the slow path must look.
   */
  #cached(cache: FileCache, path: string): BytesSource | null | undefined {
    const route = this.#route(path);
    const entry = route === null ? undefined : cache.get(route.key, route.fsPath);
    if (entry === undefined) return undefined;
    return this.#answerBytes(entry.bytes, entry.mtimeMs, this.guess_type(route!.file), entry);
  }

  /** The file a cache entry for translated `path` would hold (a directory URL's index.html), or
   * null when only the slow path can tell (a directory named without "/", an unnameable path). */
  #route(path: string): Route | null {
    let file = path;
    if (path.endsWith("/")) {
      // The slow path answers a directory with its index.html only for a URL path ending in "/".
      try {
        if (!urlsplit(this.path)[2].endsWith("/")) return null;
      } catch {
        return null;
      }
      file = join(path, "index.html");
    }
    const fsPath = toFsPath(file);
    return fsPath === null ? null : { file, fsPath, key: cacheKey(this.directory, file) };
  }

  /** The answer for a file whose bytes are in memory (from the cache when `entry` is given). */
  #answerBytes(bytes: Buffer, mtimeMs: number, ctype: string, entry?: CachedFile): BytesSource | null {
    const range = this.#preconditions(bytes.length, mtimeMs, ctype, entry);
    if (range === null) return null;
    const [start, end] = range;
    return new BytesSource(start === 0 && end === bytes.length - 1 ? bytes : bytes.subarray(start, end + 1));
  }

  /** The answer for an open file streamed from disk (the caller closes it on a throw). */
  async #answerStream(handle: FileHandle, stats: Stats, ctype: string): Promise<ResponseSource | null> {
    const range = this.#preconditions(stats.size, stats.mtimeMs, ctype);
    if (range === null) {
      await handle.close();
      return null;
    }
    return new FileSource(handle, range[0], range[1]);
  }

  /**
   * Validators, preconditions and headers for a file of `size` bytes (send_head's second
   * half): sends 304 or 416 and returns null, or sends the 200/206 head and returns the
   * [start, end] bytes to send. A cache entry keeps its ETag and Last-Modified value.
   */
  #preconditions(size: number, mtimeMs: number, ctype: string, entry?: CachedFile): [number, number] | null {
    const mtime = mtimeMs / 1000;
    const etag = entry === undefined ? makeETag(size, mtimeMs) : (entry.etag ??= makeETag(size, mtimeMs));
    const lastModified = Math.floor(mtime);
    // RFC 9110 §13.2.2: If-None-Match first; when present, If-Modified-Since is ignored (as CPython does).
    const noneMatch = this.headers.get_all("If-None-Match");
    let notModified = false;
    if (noneMatch !== undefined) {
      notModified = noneMatchHits(noneMatch.join(", "), etag);
    } else {
      const since = this.headers.get("If-Modified-Since");
      if (since !== undefined) {
        const ims = ifModifiedSinceSeconds(since);
        notModified = ims !== null && lastModified <= ims;
      }
    }
    if (notModified) {
      this.send_response(HTTPStatus.NOT_MODIFIED);
      this.send_header("ETag", etag);
      this.end_headers();
      return null;
    }
    // RFC 9110 §14.2: Range is defined for GET only; If-Range (§13.1.5) guards it.
    let start = 0;
    let end = size - 1;
    let partial = false;
    const range = this.command === "GET" ? this.headers.get("Range") : undefined;
    const ifRange = this.headers.get("If-Range");
    if (range !== undefined && (ifRange === undefined || ifRangeHolds(ifRange, etag, lastModified))) {
      const r = parseRange(range, size);
      if (r.kind === "unsatisfiable") {
        this.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
        this.send_header("Content-Range", `bytes */${size}`);
        this.send_header("Content-Length", "0");
        this.end_headers();
        return null;
      }
      if (r.kind === "range") {
        ({ start, end } = r);
        partial = true;
      }
    }
    this.send_response(partial ? HTTPStatus.PARTIAL_CONTENT : HTTPStatus.OK);
    this.send_header("Content-type", ctype);
    if (partial) this.send_header("Content-Range", `bytes ${start}-${end}/${size}`);
    this.send_header("Content-Length", String(end - start + 1));
    // date_time_string(mtime) is a pure function of mtime unless a subclass says otherwise.
    const ownDate = entry !== undefined && this.date_time_string === BaseHTTPRequestHandler.prototype.date_time_string;
    this.send_header("Last-Modified", ownDate ? (entry.lastModified ??= this.date_time_string(mtime)) : this.date_time_string(mtime));
    this.send_header("ETag", etag);
    this.send_header("Accept-Ranges", "bytes");
    this.end_headers();
    return [start, end];
  }

  /**
   * The listing page of `path` (a directory without index file): sends the headers and
   * returns the page, or sends 404 and returns null when the directory cannot be read.
   */
  async list_directory(path: string): Promise<ResponseSource | null> {
    let entries;
    try {
      entries = await listEntries(path);
    } catch {
      this.send_error(HTTPStatus.NOT_FOUND, "No permission to list directory");
      return null;
    }
    const encoded = renderListing(this.path, sortListing(entries));
    this.send_response(HTTPStatus.OK);
    this.send_header("Content-type", `text/html; charset=${LISTING_ENCODING}`);
    this.send_header("Content-Length", String(encoded.length));
    this.end_headers();
    return new BytesSource(encoded);
  }

  /**
   * Translate a /-separated URL path to a file name under `directory`: query and fragment
   * dropped, %-escapes decoded, `.`/`..` and (on Windows) drive or backslash components ignored.
   */
  translate_path(path: string): string {
    return translatePath(path, this.directory);
  }

  /**
   * Copy `source` to `outputfile`, waiting for the socket to drain before each next chunk. A
   * file sent to the connection's own writer goes in large reads (FileSource.sendTo).
   */
  async copyfile(source: AsyncIterable<Uint8Array>, outputfile: WritableFile): Promise<void> {
    if (source instanceof FileSource && outputfile instanceof SocketWriter) return source.sendTo(outputfile);
    if (source instanceof BytesSource) {
      // In memory already: one write (with the head when small), no copy when large.
      return source.bytes.length > 0 ? outputfile.write(source.bytes) : undefined;
    }
    let pending: Promise<void> | undefined;
    for await (const chunk of source) {
      if (pending !== undefined) await pending;
      pending = outputfile.write(chunk);
    }
  }

  /** The Content-Type of `path`: `extensions_map`, then CPython's mimetypes table, else application/octet-stream. */
  guess_type(path: string): string {
    return guessType(path, this.extensions_map);
  }
}
