// The in-memory cache of small files behind SimpleHTTPRequestHandler's fast path. An entry is
// a whole file's bytes with the identity stat() gave when it was read (device, inode, size,
// mtime, ctime). Every hit is validated against the disk with one synchronous stat() of the
// path (no thread-pool round trip): a file changed, replaced or removed is dropped and served
// fresh by the slow path. Bounded in bytes; the least recently used entries leave first.

import { statSync, type Stats } from "node:fs";

/** Default bound of a server's cache (HTTPServerOptions.fileCacheSize). */
export const DEFAULT_FILE_CACHE_SIZE = 32 * 1024 * 1024;
/** Largest file kept whole in memory; larger files are streamed. */
export const MAX_CACHED_FILE = 2 * 1024 * 1024;

/** Routes (URL path to cache entry) remembered per directory, at most; then forgotten at once. */
export const MAX_ROUTES = 4096;

/** Where a URL path leads: the translated file name, its name for the file system, the entry's key. */
export interface Route {
  readonly file: string;
  readonly fsPath: string | Buffer;
  readonly key: string;
}

/** A cached file: its bytes and the stat() fields that must still match on disk. */
export interface CachedFile {
  readonly bytes: Buffer;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly dev: number;
  /** Recency: the cache's insertion count when the entry last moved to the end. */
  seq: number;
  /** The ETag of these bytes, made on first use. */
  etag?: string;
  /** The Last-Modified value BaseHTTPRequestHandler's date_time_string gives for mtime, made on first use. */
  lastModified?: string;
}

function sameFile(entry: CachedFile, st: Stats): boolean {
  return (
    st.isFile() && st.size === entry.size && st.mtimeMs === entry.mtimeMs && st.ctimeMs === entry.ctimeMs &&
    st.ino === entry.ino && st.dev === entry.dev
  );
}

/**
 * Files by key (the served directory and the translated path), at most `maxBytes` of file
 * bytes in all and `maxFileBytes` per file. `maxBytes` 0 disables the cache.
 */
export class FileCache {
  readonly maxBytes: number;
  readonly maxFileBytes: number;
  readonly #entries = new Map<string, CachedFile>();
  /** Per served directory, the route of each URL path answered from the cache. */
  readonly #routes = new Map<string, Map<string, Route>>();
  #bytes = 0;
  /** Entries (re)inserted so far: an entry's `seq` is the count when it last went to the end. */
  #seq = 0;

  constructor(maxBytes = DEFAULT_FILE_CACHE_SIZE, maxFileBytes = Math.min(MAX_CACHED_FILE, maxBytes)) {
    if (!Number.isInteger(maxBytes) || maxBytes < 0) throw new RangeError("fileCacheSize must be an integer >= 0");
    this.maxBytes = maxBytes;
    this.maxFileBytes = Math.min(maxFileBytes, maxBytes);
  }

  /** Bytes of the files held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Number of files held. */
  get size(): number {
    return this.#entries.size;
  }

  /** True when a file of `size` bytes may be kept. */
  accepts(size: number): boolean {
    return size <= this.maxFileBytes && this.maxBytes > 0;
  }

  /**
   * The entry of `key` when the file at `fsPath` is still the one read (same device, inode,
   * size, mtime and ctime, following symbolic links as the slow path does); a stale entry is
   * dropped and undefined returned.
   */
  get(key: string, fsPath: string | Buffer): CachedFile | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    let st: Stats | undefined;
    try {
      st = statSync(fsPath, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (st === undefined || !sameFile(entry, st)) {
      this.delete(key);
      return undefined;
    }
    // Least recently used first: a hit moves to the end (eviction takes from the front), unless
    // it went there less than half the entries ago (a hot entry is not moved on every hit).
    const age = this.#seq - entry.seq;
    if (age > 0 && age >= this.#entries.size >> 1) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      entry.seq = ++this.#seq;
    }
    return entry;
  }

  /** The route remembered for URL path `url` under `directory`, if any. */
  route(directory: string, url: string): Route | undefined {
    return this.#routes.get(directory)?.get(url);
  }

  /** Remember where `url` under `directory` leads (translate_path's result, a pure function of both). */
  remember(directory: string, url: string, route: Route): void {
    let routes = this.#routes.get(directory);
    if (routes === undefined) this.#routes.set(directory, (routes = new Map()));
    else if (routes.size >= MAX_ROUTES && !routes.has(url)) routes.clear();
    routes.set(url, route);
  }

  /** Keep `bytes`, read from a file whose stat() (taken before reading) is `stats`. */
  set(key: string, stats: Stats, bytes: Buffer): void {
    if (!this.accepts(bytes.length) || bytes.length !== stats.size) return;
    this.delete(key);
    while (this.#bytes + bytes.length > this.maxBytes) {
      const oldest = this.#entries.keys().next().value as string;
      this.delete(oldest);
    }
    this.#entries.set(key, {
      bytes, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino, dev: stats.dev,
      seq: ++this.#seq,
    });
    this.#bytes += bytes.length;
  }

  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes.length;
  }

  clear(): void {
    this.#entries.clear();
    this.#routes.clear();
    this.#bytes = 0;
  }
}
