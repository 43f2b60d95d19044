// The file-system side of SimpleHTTPRequestHandler: finding a translated path without leaving
// the served directory (symbolic links resolved), reading a directory's entries as CPython sees
// them, and the response bodies send_head hands to copyfile (a file read in chunks as the
// socket drains, or bytes in memory). Used by src/http/simple-handler.ts.

import { constants, type Stats } from "node:fs";
import { type FileHandle, lstat, open, readdir, realpath, stat } from "node:fs/promises";
import { sep } from "node:path";
import type { ListingEntry } from "./listing.js";
import { fsdecode, fsencode } from "../../py/codec.js";

/** Bytes per read of a file being sent: large enough that the socket writer does not copy them. */
export const CHUNK_SIZE = 64 * 1024;
/**
 * Bytes per read when a file is streamed straight to the connection's writer (FileSource.sendTo):
 * few thread-pool round trips per megabyte, and at most two such buffers per response.
 */
export const STREAM_CHUNK_SIZE = 512 * 1024;

/** Drained stream buffers kept for the next response (at most this many). */
const MAX_SPARE_BUFFERS = 8;
const spareBuffers: Buffer[] = [];

function takeBuffer(): Buffer {
  return spareBuffers.pop() ?? Buffer.allocUnsafeSlow(STREAM_CHUNK_SIZE);
}

function giveBack(buffer: Buffer): void {
  if (spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push(buffer);
}

/** The connection's writer as FileSource.sendTo uses it (SocketWriter). */
interface ChunkWriter {
  write(data: Uint8Array): Promise<void> | undefined;
}

/**
 * A path string as the file system takes it: os.fsencode's bytes (names that were not UTF-8
 * come back as U+DC80-U+DCFF), or null for what no file can be named (NUL, other lone surrogates).
 */
export function toFsPath(path: string): string | Buffer | null {
  if (path.includes("\0")) return null;
  if (!/[\ud800-\udfff]/.test(path)) return path;
  if (process.platform === "win32") return null;
  try {
    return Buffer.from(fsencode(path));
  } catch {
    return null;
  }
}

function isInside(real: Buffer, root: Buffer): boolean {
  if (real.equals(root)) return true;
  const s = Buffer.from(sep);
  const prefix = root.subarray(root.length - s.length).equals(s) ? root : Buffer.concat([root, s]);
  return real.length > prefix.length && real.subarray(0, prefix.length).equals(prefix);
}

/** A path found under the served directory: its resolved name and what stat() says of it. */
export interface Located {
  real: Buffer;
  stats: Stats;
}

/**
 * Stat `path` (from translate_path) when it exists and, every symbolic link resolved, is
 * `directory` itself or inside it; null otherwise (missing, unreadable, escaping, unnameable).
 * translate_path already keeps `..` out; this closes the symlink route (beyond CPython, which
 * follows links anywhere).
 */
export async function locate(path: string, directory: string): Promise<Located | null> {
  const fsPath = toFsPath(path);
  const fsRoot = toFsPath(directory);
  if (fsPath === null || fsRoot === null) return null;
  try {
    const [real, root] = await Promise.all([
      realpath(fsPath, { encoding: "buffer" }),
      realpath(fsRoot, { encoding: "buffer" }),
    ]);
    if (!isInside(real, root)) return null;
    return { real, stats: await stat(real) };
  } catch {
    return null;
  }
}

/**
 * os.listdir with os.path.isdir and os.path.islink for each name, names fsdecoded.
 * Throws (as os.listdir raises OSError) when the directory cannot be read.
 */
export async function listEntries(path: string): Promise<ListingEntry[]> {
  const fsPath = toFsPath(path);
  if (fsPath === null) throw new Error(`cannot name ${JSON.stringify(path)}`);
  const dir = typeof fsPath === "string" ? Buffer.from(fsPath) : fsPath;
  const dirents = await readdir(dir, { withFileTypes: true, encoding: "buffer" });
  return Promise.all(
    dirents.map(async (entry) => {
      // Bun 1.x ignores withFileTypes when encoding is "buffer" and gives bare names: lstat them.
      const d = entry instanceof Uint8Array ? await direntOf(dir, entry as unknown as Buffer) : entry;
      const isLink = d.isSymbolicLink();
      let isDir = d.isDirectory();
      if (isLink) {
        const full = Buffer.concat([dir, Buffer.from(sep), d.name]);
        isDir = await stat(full).then((s) => s.isDirectory(), () => false);
      }
      return { name: fsdecode(d.name), isDir, isLink };
    }),
  );
}

/** A Dirent-like view of dir/name from lstat (for runtimes whose readdir gave names only). */
async function direntOf(dir: Buffer, name: Buffer): Promise<{ name: Buffer; isSymbolicLink(): boolean; isDirectory(): boolean }> {
  const st = await lstat(Buffer.concat([dir, Buffer.from(sep), name]));
  return { name, isSymbolicLink: () => st.isSymbolicLink(), isDirectory: () => st.isDirectory() };
}

/** What send_head returns and copyfile sends: chunks of the body, then close(). */
export interface ResponseSource extends AsyncIterable<Uint8Array> {
  /** True when the body came out shorter than announced (the file shrank while being sent). */
  readonly truncated: boolean;
  close(): Promise<void>;
}

/** Bytes already in memory (a directory listing). */
export class BytesSource implements ResponseSource {
  readonly truncated = false;
  constructor(readonly bytes: Uint8Array) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.bytes.length > 0) yield this.bytes;
  }

  async close(): Promise<void> {}
}

/**
 * Bytes [start, end] of an open file, read CHUNK_SIZE at a time, each read only when the
 * previous chunk has been taken (copyfile awaits the socket's backpressure between them): the
 * file is never read whole, whatever its size.
 */
export class FileSource implements ResponseSource {
  #truncated = false;
  #closed = false;

  constructor(
    readonly handle: FileHandle,
    readonly start: number,
    readonly end: number,
  ) {}

  get truncated(): boolean {
    return this.#truncated;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    let position = this.start;
    let remaining = this.end - this.start + 1;
    while (remaining > 0) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, remaining));
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) {
        this.#truncated = true;
        return;
      }
      position += bytesRead;
      remaining -= bytesRead;
      yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
    }
  }

  /**
   * Send bytes [start, end] to `writer` in STREAM_CHUNK_SIZE reads, the next read running while
   * the socket sends the current chunk: two buffers at most, each read into again only once the
   * socket has drained it (its write's promise resolved). When a write returns no promise the
   * socket may still hold the buffer, so a fresh one is taken. Memory per response stays
   * bounded by 2 x STREAM_CHUNK_SIZE whatever the file's size; the buffers come from a small
   * shared pool and go back to it once drained, so streaming makes no garbage (and no heap
   * growth from freed large blocks the allocator keeps).
   */
  async sendTo(writer: ChunkWriter): Promise<void> {
    let position = this.start;
    let remaining = this.end - this.start + 1;
    if (remaining <= 0) return;
    const pooled = remaining >= STREAM_CHUNK_SIZE;
    const size = remaining;
    const take = (): Buffer => (pooled ? takeBuffer() : Buffer.allocUnsafe(size));
    let current = take();
    let spare: Buffer | null = null;
    let reading = this.#readInto(current, position, remaining);
    let pending: Promise<void> | undefined;
    /** Every chunk written was drained before its buffer was used again: the buffers may be pooled. */
    let drained = true;
    try {
      for (;;) {
        const n = await reading;
        if (n === 0) {
          this.#truncated = true;
          break;
        }
        position += n;
        remaining -= n;
        const chunk = n === current.length ? current : current.subarray(0, n);
        let next: Buffer | null = null;
        if (remaining > 0) {
          next = spare ?? take();
          spare = null;
          reading = this.#readInto(next, position, remaining);
        }
        pending = writer.write(chunk);
        if (next === null) break;
        if (pending !== undefined) {
          await pending;
          pending = undefined;
          spare = current;
        } else {
          drained = false;
        }
        current = next;
      }
      if (pending !== undefined) await pending;
    } catch (error) {
      // Let a read in flight finish before the caller closes the handle.
      await reading.catch(() => 0);
      throw error;
    }
    if (pooled && drained) {
      giveBack(current);
      if (spare !== null) giveBack(spare);
    }
  }

  async #readInto(buffer: Buffer, position: number, remaining: number): Promise<number> {
    const { bytesRead } = await this.handle.read(buffer, 0, Math.min(buffer.length, remaining), position);
    return bytesRead;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.handle.close();
  }
}

/**
 * The whole of an open file of `size` bytes (stat() before the read), or null when fewer bytes
 * came (the file shrank meanwhile: the caller streams it instead).
 */
export async function readWhole(handle: FileHandle, size: number): Promise<Buffer | null> {
  // Its own memory, not a slice of Node's shared pool: a cached file keeps nothing else alive.
  const bytes = Buffer.allocUnsafeSlow(size);
  let at = 0;
  while (at < size) {
    const { bytesRead } = await handle.read(bytes, at, size - at, at);
    if (bytesRead === 0) return null;
    at += bytesRead;
  }
  return bytes;
}

/** Open a located regular file for reading; null when it cannot be opened (CPython's OSError → 404). */
export async function openFile(real: Buffer): Promise<{ handle: FileHandle; stats: Stats } | null> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: a FIFO swapped in after locate() must not block a libuv thread.
    handle = await open(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const stats = await handle.stat();
    if (stats.isFile()) return { handle, stats };
  } catch {
    // fall through: treated as unopenable
  }
  await handle.close();
  return null;
}
