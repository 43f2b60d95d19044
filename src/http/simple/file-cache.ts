// The in-memory cache of small files behind SimpleHTTPRequestHandler's fast path. An entry is
// a whole file's bytes with the identity stat() gave when it was read (device, inode, size,
// mtime, ctime). Every hit is validated against the disk with a synchronous stat() of the path
// (no thread-pool round trip) taken after the request was read: a file changed, replaced or
// removed is dropped and served fresh by the slow path. The handler's own GET and HEAD ask with
// check(), answered at the end of the event-loop turn by one stat() per file for all the
// requests read in that turn (a 1 KB keep-alive hit spent a fifth of its time in stat()), when
// the last turn had several hits (`batching`); get() stats at once (send_head, and a hit when
// requests come one a turn, where waiting would only cost a promise). Either way the stat comes
// after the request's bytes were read, so a change made before a request was sent is always
// seen: no window, no watcher (an inotify event can be read after the next request; a kept
// descriptor's fstat misses a file replaced by rename). Bounded in bytes; the least recently
// used entries leave first.

import { statSync, type Stats } from "node:fs";

/** Default bound of a server's cache (HTTPServerOptions.fileCacheSize). */
export const DEFAULT_FILE_CACHE_SIZE = 32 * 1024 * 1024;
/** Largest file kept whole in memory; larger files are streamed. */
const MAX_CACHED_FILE = 2 * 1024 * 1024;

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
  /** The round of checks (FileCache.check) whose stat() last found the file unchanged (0: none). */
  checked: number;
}

/** The method FileCache.check calls with what a stat() taken after the call found. */
export const CHECKED = Symbol("checked");

/** Told by FileCache.check what a stat() taken after the call found: the entry, or undefined. */
export interface CheckWaiter {
  [CHECKED](entry: CachedFile | undefined): void;
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
  /** check() calls waiting for the end of the turn: key, fsPath, waiter, in turn. */
  #checks: unknown[] = [];
  /** Rounds of checks run so far. */
  #round = 0;
  /** Hits (check() and hit()) in this event-loop turn, and in the last turn that had any. */
  #turnHits = 0;
  #lastTurnHits = 0;
  /** The end of this turn is scheduled (#endTurn). */
  #armed = false;
  readonly #endTurn = (): void => this.#checkAll();

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
    return this.#validate(key, entry, fsPath);
  }

  /** `entry` if a stat() of `fsPath` now finds it unchanged; else it is dropped. Moves a hit to the end. */
  #validate(key: string, entry: CachedFile, fsPath: string | Buffer): CachedFile | undefined {
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

  /** The entry of `key`, not validated: check() must follow before its bytes are used. */
  peek(key: string): CachedFile | undefined {
    return this.#entries.get(key);
  }

  /**
   * Validate the entry of `key` at the end of this event-loop turn (setImmediate), with one
   * stat() of `fsPath` taken after every request read in this turn: the requests for one file
   * read in one turn share it, and each of them is checked against the disk as it was after
   * its bytes arrived. `waiter[CHECKED]()` gets the entry, or undefined when it is stale (it is
   * then dropped) or gone. Exactly what get() guarantees, for a stat() per file and turn.
   */
  check(key: string, fsPath: string | Buffer, waiter: CheckWaiter): void {
    this.hit();
    this.#checks.push(key, fsPath, waiter);
  }

  /**
   * Whether a hit should wait for the end of the turn (check()) rather than be validated at once
   * (get()): when the last turn with hits had more than one. Waiting costs a promise, so with one
   * request a turn (a connection per request, a light load) a hit is answered at once; with
   * several (keep-alive under load) they share one stat().
   */
  get batching(): boolean {
    return this.#lastTurnHits > 1;
  }

  /** Count a hit of this turn (check() counts its own): what `batching` is decided on. */
  hit(): void {
    this.#turnHits++;
    if (!this.#armed) {
      this.#armed = true;
      setImmediate(this.#endTurn);
    }
  }

  #checkAll(): void {
    this.#armed = false;
    this.#lastTurnHits = this.#turnHits;
    this.#turnHits = 0;
    const checks = this.#checks;
    if (checks.length === 0) return;
    this.#checks = [];
    const round = ++this.#round;
    for (let i = 0; i < checks.length; i += 3) {
      const key = checks[i] as string;
      let entry = this.#entries.get(key);
      if (entry !== undefined && entry.checked !== round) {
        entry = this.#validate(key, entry, checks[i + 1] as string | Buffer);
        if (entry !== undefined) entry.checked = round;
      }
      (checks[i + 2] as CheckWaiter)[CHECKED](entry);
    }
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
      seq: ++this.#seq, checked: 0,
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
