// The WASM backend: instances of the modules wasm-loader.ts compiles from the embedded binaries
// (no file system, no path, no process.env: it loads in every runtime). Driven with undici's habits: one copy of each input byte into linear memory, views re-derived only after
// memory.grow, SIMD binary first with the scalar one where SIMD does not validate (the server's
// BASEHTTP_WASM override lives in select.ts). Fills the same table as src/tokenizer/js.ts; a new
// head's state is zeroed in memory, not copied in; out come the state and new fields.

import {
  HEADER_SLOTS, MAX_HEADERS, OUTCOME_NEED_LINE, OUTCOME_NEED_MORE, T_HEADER_COUNT, T_HEADERS, T_LINE_START,
  T_SCAN_POS,
} from "../contract/layout.js";
import type { Tokenizer } from "../contract/tokenizer.js";
import { formatDateJs } from "./date-js.js";
import { latin1 } from "./latin1.js";
import { DEFAULT_WASM_VARIANT, wasmExports, type WasmMemory, type WasmVariant } from "./wasm-loader.js";

export { DEFAULT_WASM_VARIANT, SIMD_SUPPORTED, init, isReady, wasmBinary, wasmExports, wasmModule } from "./wasm-loader.js";
export type { WasmModule, WasmVariant } from "./wasm-loader.js";

/** Node's Buffer, when the runtime has it as a global (no node: import: browsers have none). */
const NodeBuffer = (globalThis as unknown as { Buffer?: { from(buffer: ArrayBuffer): Uint8Array } }).Buffer;

/** What assembly/index.ts exports (the layout constants aside). */
interface TokenizerExports {
  readonly memory: WasmMemory;
  scanHead(address: number, first: number, n: number, headLimit: number, fresh: number): number;
  formatDate(seconds: number): number;
  tablePtr(): number;
  datePtr(): number;
  inputPtr(): number;
}

/** TypedArray.prototype.set, called on the memory view with .call: looked up as `bytes.set`
 * inside the inlined copy, V8's optimised code kept a LoadIC call for it on every copy. */
const typedArraySet = Uint8Array.prototype.set;
/** Bytes after the staged input that the v128/u64 searches may read (assembly/search.ts). */
const PAD = 16;
/** Part of an input up to this size is copied byte by byte: a subarray to copy it with set()
 * costs as much (about 80 ns here; a whole input needs none and goes with one set()). */
const SMALL_COPY = 64;
/** Layout numbers used per call, as module-local constants (V8 reads imported bindings through
 * a cell on every use, which costs more than the loops they bound). */
const STATE_SLOTS: number = T_HEADERS;
const COUNT_SLOT: number = T_HEADER_COUNT;
const LINE_SLOT: number = T_LINE_START;
const SCAN_SLOT: number = T_SCAN_POS;
const NEED_LINE: number = OUTCOME_NEED_LINE;
const SLOTS_PER_HEADER: number = HEADER_SLOTS;
const HEADER_CAP: number = MAX_HEADERS;
/** From this many header fields of a new head on, its slots leave memory in one
 * TypedArray.prototype.set of a cached view (about 20 ns here, whatever the count), below it
 * as straight-line copies (about 5 ns for the state, 1.5 ns per field). */
const SET_FROM = 8;
// Table slots move as straight-line code (stateIsZero, stateIn, stateOut at the end of this
// file; five slots per step for header fields): a loop over typed arrays costs V8 a bounds and
// an interrupt check per slot, three times as much. They assume this layout.
if (T_HEADERS !== 21 || HEADER_SLOTS !== 5) throw new Error("src/tokenizer/wasm.ts: the token table layout changed");
/** Bytes of a new head scanFresh stages at first (a head rarely needs more). */
const FIRST_STAGE = 4096;
const NEED_MORE: number = OUTCOME_NEED_MORE;
/** Bytes a socket read may bring into the input region at once (libuv asks for 64 KiB). The
 * module's memory starts at two pages (asconfig.json initialMemory), which hold it: a server never
 * calls memory.grow for it, since a grow detaches the old buffer and from then on V8 checks every
 * typed-array access of the process for detachment (its ArrayBufferDetaching protector). */
const READ_REGION = 65536;
/** |seconds| beyond a JavaScript Date's range is left to date-js.ts (assembly/date.ts). */
const DATE_RANGE = 8.64e12;

/**
 * One WASM instance with its own memory: a fixed token-table region, then the input region
 * where the bytes of the head being scanned are staged. The staged range of the last input is
 * remembered (the Tokenizer contract: bytes below `end` never change), so a resumed scan of a
 * growing buffer and pipelined heads in one chunk copy only bytes not yet in memory. The fast
 * path is a server's: a new head in a new Buffer per socket read, copied whole with one set().
 */
export class WasmTokenizer implements Tokenizer {
  readonly name: string;
  readonly variant: WasmVariant;
  readonly #exports: TokenizerExports;
  readonly #memory: WasmMemory;
  readonly #scanHead: TokenizerExports["scanHead"];
  readonly #tableSlot: number;
  readonly #inputPtr: number;
  readonly #datePtr: number;
  #bytes!: Uint8Array;
  #slots!: Int32Array;
  /** #prefixes[c]: the state slots and c header fields of the table region in memory. */
  #prefixes!: Int32Array[];
  #capacity = 0;
  /** input[#from, #to) sits at #inputPtr. */
  #staged: Uint8Array | null = null;
  #from = 0;
  #to = 0;
  #copied = 0;
  /** The input region's first READ_REGION bytes, once a socket reads into them. */
  #region: Uint8Array | null = null;

  /**
   * The input region as the place accepted sockets read into (see
   * src/socketserver/linear-socket.ts): `view()` is where a read lands; `adopt(input, n)` says
   * that `input[0, n)` is the copy of what landed, so scanning `input` copies nothing in.
   */
  readonly readRegion = {
    view: (): Uint8Array => this.#region ?? this.#reserveRegion(),
    adopt: (input: Uint8Array, n: number): void => {
      this.#staged = input;
      this.#from = 0;
      this.#to = n;
    },
  };

  constructor(variant: WasmVariant = DEFAULT_WASM_VARIANT) {
    this.variant = variant;
    this.name = `wasm-${variant}`;
    this.#exports = wasmExports(variant) as unknown as TokenizerExports;
    this.#memory = this.#exports.memory;
    this.#scanHead = this.#exports.scanHead;
    this.#tableSlot = this.#exports.tablePtr() >> 2;
    this.#inputPtr = this.#exports.inputPtr();
    this.#datePtr = this.#exports.datePtr();
    this.#views();
  }

  scan(input: Uint8Array, start: number, end: number, table: Int32Array, headLimit: number): number {
    const hl = headLimit < 0x7fffffff ? headLimit | 0 : 0x7fffffff;
    const n = end - start;
    const last = start + (n < hl ? n : hl);
    if (stateIsZero(table)) {
      // A new head (resetTable): scanHead zeroes the state in memory, nothing is copied in. Its
      // first line starts at `start`, which staging leaves in memory: no NEED_LINE.
      this.#stage(input, start, start, last);
      const rc = this.#call(start, n, hl, 1);
      this.#copyOut(table, 0);
      return rc;
    }
    stateIn(this.#slots, this.#tableSlot, table);
    const countBefore = table[COUNT_SLOT]!;
    const lineStart = start + table[LINE_SLOT]!;
    this.#stage(input, start + table[SCAN_SLOT]!, lineStart, last);
    let rc = this.#call(start, n, hl, 0);
    if (rc === NEED_LINE) {
      // Only after a cache miss: the line is copied whole, once, and the scan runs again.
      this.#restage(input, lineStart, last);
      rc = this.#call(start, n, hl, 0);
    }
    this.#copyOut(table, countBefore);
    return rc;
  }

  /**
   * Scan a new head of input[start, end) into the table in linear memory, read there through
   * `memoryTable` from slot `memoryTableBase` until the next scan (nothing is copied out: the
   * decoded API reads it in place). The input is copied in afresh, so a reused buffer is fine.
   */
  scanFresh(input: Uint8Array, start: number, end: number, headLimit: number): number {
    const hl = headLimit < 0x7fffffff ? headLimit | 0 : 0x7fffffff;
    const n = end - start;
    const last = start + (n < hl ? n : hl);
    if (last - start <= FIRST_STAGE) {
      // A read of up to FIRST_STAGE bytes: staged whole, scanned once. (The longer path is a
      // method of its own, so that V8 inlines this one and the calls in it into the caller.)
      this.#restage(input, start, last);
      return this.#call(start, n, hl, 1);
    }
    return this.#scanLong(input, start, n, last, hl);
  }

  /** scanFresh of more than FIRST_STAGE bytes. */
  #scanLong(input: Uint8Array, start: number, n: number, last: number, hl: number): number {
    // The first FIRST_STAGE bytes, then twice as many while the head is not complete in them
    // (the scan resumes: each byte is scanned and copied once), so that pipelined heads in one
    // large read do not each copy all the bytes after them.
    let to = start + FIRST_STAGE;
    this.#restage(input, start, to);
    let rc = this.#call(start, to - start, hl, 1);
    while (rc === NEED_MORE && to < last) {
      to = last - to > to - start ? start + 2 * (to - start) : last;
      const lineStart = start + this.#slots[this.#tableSlot + LINE_SLOT]!;
      this.#append(input, lineStart, to);
      rc = this.#call(start, to === last ? n : to - start, hl, 0);
    }
    return rc;
  }

  /** Linear memory as i32 slots (re-derived when memory grows: read it after each scan). */
  get memoryTable(): Int32Array {
    return this.#slots;
  }

  /** The slot of memoryTable where the in-memory token table starts. */
  get memoryTableBase(): number {
    return this.#tableSlot;
  }

  /** Input bytes copied into linear memory so far (each byte O(1) times, whatever the chunking). */
  get copiedBytes(): number {
    return this.#copied;
  }

  formatDate(seconds: number): string {
    if (!(seconds >= -DATE_RANGE && seconds <= DATE_RANGE)) return formatDateJs(seconds);
    const length = this.#exports.formatDate(seconds);
    return latin1(this.#bytes, this.#datePtr, this.#datePtr + length);
  }

  #call(start: number, n: number, hl: number, fresh: number): number {
    const from = this.#from;
    return this.#scanHead(this.#inputPtr + (start - from), from > start ? from - start : 0, n, hl, fresh);
  }

  /** The state slots, and the header slots written by this call (fields [before, after)). */
  #copyOut(table: Int32Array, before: number): void {
    const slots = this.#slots;
    const t = this.#tableSlot;
    const after = slots[t + COUNT_SLOT]!;
    if (before === 0 && after >= SET_FROM && after <= HEADER_CAP) {
      table.set(this.#prefixes[after]!);
      return;
    }
    stateOut(table, slots, t);
    const to = STATE_SLOTS + (after < HEADER_CAP ? after : HEADER_CAP) * SLOTS_PER_HEADER;
    for (let i = STATE_SLOTS + (before > 0 ? before : 0) * SLOTS_PER_HEADER; i < to; i += SLOTS_PER_HEADER) {
      const j = t + i;
      table[i] = slots[j]!;
      table[i + 1] = slots[j + 1]!;
      table[i + 2] = slots[j + 2]!;
      table[i + 3] = slots[j + 3]!;
      table[i + 4] = slots[j + 4]!;
    }
  }

  /** Make input[scanPos, last) present and contiguous in memory, keeping what is there. */
  #stage(input: Uint8Array, scanPos: number, lineStart: number, last: number): void {
    if (input === this.#staged && this.#from <= scanPos && scanPos <= this.#to) {
      if (last > this.#to) this.#append(input, lineStart >= this.#from ? lineStart : scanPos, last);
    } else {
      this.#restage(input, scanPos, last);
    }
  }

  /** Append input[#to, last); when full, drop the bytes before `keep` if they are at least half. */
  #append(input: Uint8Array, keep: number, last: number): void {
    let from = this.#from;
    if (last - from > this.#capacity) {
      if (keep - from >= last - keep) {
        const p = this.#inputPtr;
        this.#bytes.copyWithin(p, p + (keep - from), p + (this.#to - from));
        this.#from = from = keep;
      }
      this.#reserve(last - from);
    }
    this.#copy(input, this.#to, last, this.#inputPtr + (this.#to - from));
    this.#to = last;
  }

  /** Forget what is staged; copy input[from, last) to the start of the input region. */
  #restage(input: Uint8Array, from: number, last: number): void {
    const to = last > from ? last : from;
    this.#reserve(to - from);
    this.#copy(input, from, to, this.#inputPtr);
    this.#staged = input;
    this.#from = from;
    this.#to = to;
  }

  #copy(input: Uint8Array, from: number, to: number, at: number): void {
    const bytes = this.#bytes;
    this.#copied += to - from;
    if (from === 0 && to === input.length) {
      typedArraySet.call(bytes, input, at);
    } else if (to - from <= SMALL_COPY) {
      for (let i = from; i < to; i++) bytes[at++] = input[i]!;
    } else {
      typedArraySet.call(bytes, input.subarray(from, to), at);
    }
  }

  /** Room for `size` staged bytes (plus padding); memory at least doubles when it grows. */
  #reserve(size: number): void {
    if (size <= this.#capacity) return;
    const have = this.#memory.buffer.byteLength;
    const missing = Math.ceil((this.#inputPtr + size + PAD - have) / 65536);
    this.#memory.grow(Math.max(missing, have >>> 16));
    this.#views();
  }

  #reserveRegion(): Uint8Array {
    this.#reserve(READ_REGION);
    this.#staged = null;
    const p = this.#inputPtr;
    return (this.#region = this.#bytes.subarray(p, p + READ_REGION));
  }

  /** Views over memory.buffer, re-derived after it changes identity (memory.grow). */
  #views(): void {
    const buffer = this.#memory.buffer;
    // A Buffer where the runtime has one (Node, Bun, Deno's node compatibility): the socket read
    // region and the heads staged here stay Buffers for the server; a Uint8Array elsewhere.
    this.#bytes = NodeBuffer !== undefined ? NodeBuffer.from(buffer) : new Uint8Array(buffer);
    if (this.#region !== null) this.#region = this.#bytes.subarray(this.#inputPtr, this.#inputPtr + READ_REGION);
    const slots = (this.#slots = new Int32Array(buffer));
    const t = this.#tableSlot;
    this.#prefixes = [];
    for (let c = 0; c <= HEADER_CAP; c++) this.#prefixes.push(slots.subarray(t, t + STATE_SLOTS + c * SLOTS_PER_HEADER));
    this.#capacity = buffer.byteLength - this.#inputPtr - PAD;
  }
}

/** Whether the state slots are all zero, as resetTable leaves them: a new head. */
function stateIsZero(table: Int32Array): boolean {
  return (
    (table[0]! | table[1]! | table[2]! | table[3]! | table[4]! | table[5]! | table[6]! | table[7]! |
      table[8]! | table[9]! | table[10]! | table[11]! | table[12]! | table[13]! | table[14]! |
      table[15]! | table[16]! | table[17]! | table[18]! | table[19]! | table[20]!) === 0
  );
}

/** The caller's state slots into memory (slot `t` on), to resume a head. */
function stateIn(slots: Int32Array, t: number, table: Int32Array): void {
  slots[t] = table[0]!;
  slots[t + 1] = table[1]!;
  slots[t + 2] = table[2]!;
  slots[t + 3] = table[3]!;
  slots[t + 4] = table[4]!;
  slots[t + 5] = table[5]!;
  slots[t + 6] = table[6]!;
  slots[t + 7] = table[7]!;
  slots[t + 8] = table[8]!;
  slots[t + 9] = table[9]!;
  slots[t + 10] = table[10]!;
  slots[t + 11] = table[11]!;
  slots[t + 12] = table[12]!;
  slots[t + 13] = table[13]!;
  slots[t + 14] = table[14]!;
  slots[t + 15] = table[15]!;
  slots[t + 16] = table[16]!;
  slots[t + 17] = table[17]!;
  slots[t + 18] = table[18]!;
  slots[t + 19] = table[19]!;
  slots[t + 20] = table[20]!;
}

/** The state slots back out of memory. */
function stateOut(table: Int32Array, slots: Int32Array, t: number): void {
  table[0] = slots[t]!;
  table[1] = slots[t + 1]!;
  table[2] = slots[t + 2]!;
  table[3] = slots[t + 3]!;
  table[4] = slots[t + 4]!;
  table[5] = slots[t + 5]!;
  table[6] = slots[t + 6]!;
  table[7] = slots[t + 7]!;
  table[8] = slots[t + 8]!;
  table[9] = slots[t + 9]!;
  table[10] = slots[t + 10]!;
  table[11] = slots[t + 11]!;
  table[12] = slots[t + 12]!;
  table[13] = slots[t + 13]!;
  table[14] = slots[t + 14]!;
  table[15] = slots[t + 15]!;
  table[16] = slots[t + 16]!;
  table[17] = slots[t + 17]!;
  table[18] = slots[t + 18]!;
  table[19] = slots[t + 19]!;
  table[20] = slots[t + 20]!;
}
