// The one read/readline core under every `rfile`: Python's binary-file reads (read, read1,
// readline, iteration over lines) written once over a ByteSource, the interface both the
// socket reader (socket-reader.ts) and the request body (src/http/body.ts) implement. Each
// read hands out views of the received chunks; bytes are copied only to join pieces.

const EMPTY = Buffer.alloc(0);
const LF = 0x0a;

/** Received bytes, consumed in order. */
export interface ByteSource {
  /** Bytes readable now without waiting, at least 1; 0 at the end; a promise while none has
   * arrived yet. Call it again only after the promise settled. */
  available(): number | Promise<number>;
  /** Consume `n` bytes, `0 < n <= available()`: a view that stays valid. */
  take(n: number): Buffer;
  /** Consume up to `n` bytes (`0 < n <= available()`), stopping after the first LF among them. */
  takeLine(n: number): Buffer;
  /** Consume one byte (`available() > 0`) and return its value. */
  takeByte(): number;
}

/** Up to `n` bytes (all until the end when `n` is omitted or negative); fewer only at the end.
 * Python's `read`. */
export async function read(source: ByteSource, n = -1): Promise<Buffer> {
  if (n === 0) return EMPTY;
  const parts: Buffer[] = [];
  let got = 0;
  while (n < 0 || got < n) {
    let a = source.available();
    if (typeof a !== "number") a = await a;
    if (a === 0) break;
    const k = n < 0 ? a : Math.min(a, n - got);
    parts.push(source.take(k));
    got += k;
  }
  return join(parts, got);
}

/** Up to `n` bytes, waiting only while none has arrived (Python's `read1`): what a relay
 * needs, bytes passed on as they come. Empty at the end. */
export async function read1(source: ByteSource, n = -1): Promise<Buffer> {
  if (n === 0) return EMPTY;
  let a = source.available();
  if (typeof a !== "number") a = await a;
  if (a === 0) return EMPTY;
  return source.take(n < 0 ? a : Math.min(a, n));
}

/** One line with its LF, at most `limit` bytes; shorter at the end. Python's `readline`. */
export async function readline(source: ByteSource, limit = -1): Promise<Buffer> {
  const parts: Buffer[] = [];
  let got = 0;
  while (limit < 0 || got < limit) {
    let a = source.available();
    if (typeof a !== "number") a = await a;
    if (a === 0) break;
    const part = source.takeLine(limit < 0 ? a : Math.min(a, limit - got));
    parts.push(part);
    got += part.length;
    if (part[part.length - 1] === LF) break;
  }
  return join(parts, got);
}

/** Python's iteration over a file: readline() until it returns nothing. */
export async function* lines(file: { readline(): Promise<Buffer> }): AsyncGenerator<Buffer> {
  for (;;) {
    const line = await file.readline();
    if (line.length === 0) return;
    yield line;
  }
}

/** One Buffer from the pieces; no copy when there is a single piece, or when the pieces lie
 * one after the other in the same memory (reads of a bulk transfer: linear-socket.ts). */
export function join(parts: Uint8Array[], total: number): Buffer {
  if (parts.length === 0) return EMPTY;
  const p = parts[0]!;
  if (parts.length === 1) return Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
  if (adjacent(parts)) return Buffer.from(p.buffer, p.byteOffset, total);
  return Buffer.concat(parts, total);
}

function adjacent(parts: Uint8Array[]): boolean {
  let prev = parts[0]!;
  for (let i = 1; i < parts.length; i++) {
    const next = parts[i]!;
    if (next.buffer !== prev.buffer || next.byteOffset !== prev.byteOffset + prev.byteLength) return false;
    prev = next;
  }
  return true;
}
