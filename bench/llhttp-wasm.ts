// llhttp compiled to WebAssembly, as the `undici` package ships it (lib/llhttp/llhttp-wasm.js
// and llhttp_simd-wasm.js: the binary as a base64 module), driven for requests from JavaScript
// the way undici drives it for responses (lib/dispatcher/client-h1.js): one parser from
// llhttp_alloc, the bytes copied into a malloc'd buffer in linear memory, llhttp_execute, and
// the parser's callbacks imported as `env.wasm_on_*`. The fairest WASM-against-WASM peer: C
// compiled to WASM against AssemblyScript compiled to WASM, both called from V8.

import { createRequire } from "node:module";
import { connectionValue, isName, ring, type Candidate, type Prepared, type Sink } from "./candidates.js";

type LlhttpWasmVariant = "scalar" | "simd";

/** The part of the WebAssembly JS API used here (the tsconfig has no DOM lib, which types it). */
const WA = (globalThis as unknown as {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object, imports: object) => { exports: unknown };
  };
}).WebAssembly;

interface LlhttpExports {
  memory: { readonly buffer: ArrayBuffer };
  llhttp_alloc(type: number): number;
  llhttp_execute(parser: number, data: number, length: number): number;
  llhttp_get_method(parser: number): number;
  llhttp_get_http_major(parser: number): number;
  llhttp_get_http_minor(parser: number): number;
  llhttp_get_error_pos(parser: number): number;
  llhttp_get_error_reason(parser: number): number;
  malloc(size: number): number;
}

/** What the callbacks of one instance report to: the candidate currently executing. */
interface Callbacks {
  onUrl(at: number, len: number): number;
  onHeaderField(at: number, len: number): number;
  onHeaderValue(at: number, len: number): number;
  onHeadersComplete(): number;
}

interface Instance {
  x: LlhttpExports;
  /** Set before each execute: the instance's callbacks land here. */
  current: Callbacks;
}

const require = createRequire(import.meta.url);
const instances = new Map<LlhttpWasmVariant, Instance>();

/** llhttp's method numbers (llhttp/constants.js METHODS) to names. */
let methodNames: string[] | undefined;
function methodName(n: number): string {
  if (!methodNames) {
    const { METHODS } = require("undici/lib/llhttp/constants.js") as { METHODS: Record<string, number> };
    methodNames = [];
    for (const [name, id] of Object.entries(METHODS)) methodNames[id] ??= name.replace(/_/g, "-");
  }
  return methodNames[n] ?? "?";
}

/** llhttp's TYPE.REQUEST (constants.js TYPE: BOTH 0, REQUEST 1, RESPONSE 2). */
const TYPE_REQUEST = 1;

const idle: Callbacks = { onUrl: () => 0, onHeaderField: () => 0, onHeaderValue: () => 0, onHeadersComplete: () => 1 };

/** One instance per variant, as undici keeps one per process. Throws when undici is missing. */
function instance(variant: LlhttpWasmVariant): Instance {
  let inst = instances.get(variant);
  if (inst) return inst;
  const file = variant === "simd" ? "undici/lib/llhttp/llhttp_simd-wasm.js" : "undici/lib/llhttp/llhttp-wasm.js";
  const module = new WA.Module(require(file) as Buffer);
  const holder: Instance = { x: undefined as unknown as LlhttpExports, current: idle };
  const env = {
    wasm_on_url: (_p: number, at: number, len: number) => holder.current.onUrl(at, len),
    wasm_on_status: () => 0,
    wasm_on_message_begin: () => 0,
    wasm_on_header_field: (_p: number, at: number, len: number) => holder.current.onHeaderField(at, len),
    wasm_on_header_value: (_p: number, at: number, len: number) => holder.current.onHeaderValue(at, len),
    wasm_on_headers_complete: () => holder.current.onHeadersComplete(),
    wasm_on_body: () => 0,
    wasm_on_message_complete: () => 0,
  };
  const wasm = new WA.Instance(module, { env });
  holder.x = wasm.exports as unknown as LlhttpExports;
  instances.set(variant, holder);
  return holder;
}

/** True when the `undici` package (a devDependency) is installed and its WASM validates. */
export function llhttpWasmAvailable(variant: LlhttpWasmVariant): boolean {
  try {
    instance(variant);
    return true;
  } catch {
    return false;
  }
}

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
/** Node's native ISO-8859-1 decoder. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice: Latin1Slice }).latin1Slice;

/** `b[start, end)` as ISO-8859-1: short strings in JavaScript, longer ones natively (as basehttp). */
function latin1(b: Uint8Array, start: number, end: number): string {
  if (end - start > 12) return latin1Slice.call(b, start, end);
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Lower-cased ASCII letters compared with `name` (already lower case). */
function equalsLower(b: Uint8Array, at: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) if ((b[at + i]! | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

/**
 * The consumer reads three fields, so it decodes only their values, as a consumer of undici's
 * byte spans would: the name is matched on its bytes (length first), never made a string.
 */
function fieldKind(b: Uint8Array, at: number, len: number): number {
  if (len === 4) return equalsLower(b, at, "host") ? 1 : 0;
  if (len === 10) return equalsLower(b, at, "connection") ? 2 : 0;
  if (len === 14) return equalsLower(b, at, "content-length") ? 3 : 0;
  return 0;
}


/**
 * llhttp-wasm as a candidate. full: copy the socket read into linear memory (undici's
 * `new Uint8Array(memory.buffer, ptr, n).set(chunk)`), execute, make the strings the consumer
 * needs in the callbacks (the target, and the values of Host, Connection and Content-Length,
 * matched on their names' bytes), the method from llhttp_get_method. copy+scan: the same with callbacks that return at
 * once. kernel: execute on bytes staged once, callbacks returning at once. The headers-complete
 * callback returns 1 ("no body"), as the other llhttp candidates do.
 */
export function llhttpWasmCandidate(variant: LlhttpWasmVariant, decodeAll = false): Candidate {
  const name = variant === "simd" ? "llhttp-wasm-simd" : "llhttp-wasm";
  return {
    name,
    family: "reference",
    prepare(bytes: Buffer, sink: Sink, variants?: readonly Buffer[]): Prepared {
      const inst = instance(variant);
      const x = inst.x;
      const parser = x.llhttp_alloc(TYPE_REQUEST);
      const n = bytes.length;
      const data = x.malloc(n);
      const staged = x.malloc(n);
      new Uint8Array(x.memory.buffer, staged, n).set(bytes);
      const bufs = ring(bytes, variants);
      const mask = bufs.length - 1;
      let turn = 0;
      let src: Buffer = bufs[0]!;
      let url = "";
      /** The name of the field being read, as a span of the caller's bytes (offset, length). */
      let fieldAt = 0;
      let fieldLen = 0;
      let lastWasValue = true;
      /** Which consumed field the value belongs to: 0 none, 1 Host, 2 Connection, 3 Content-Length. */
      let wanted = 0;
      let host = "";
      let conn = "";
      let seenConn = false;
      let cl = -1;
      const strings: Callbacks = {
        onUrl(at, len) {
          url += latin1(src, at - data, at - data + len);
          return 0;
        },
        onHeaderField(at, len) {
          if (lastWasValue) {
            fieldAt = at - data;
            fieldLen = len;
          } else fieldLen += len; // the name continued (a split read): contiguous in the buffer
          lastWasValue = false;
          wanted = 0;
          return 0;
        },
        onHeaderValue(at, len) {
          if (!lastWasValue) wanted = fieldKind(src, fieldAt, fieldLen);
          lastWasValue = true;
          if (wanted === 0) return 0;
          const v = latin1(src, at - data, at - data + len);
          if (wanted === 1) {
            if (host === "") host = v;
          } else if (wanted === 2) {
            if (!seenConn) {
              seenConn = true;
              conn = connectionValue(v);
            }
          } else cl = Number(v);
          return 0;
        },
        onHeadersComplete() {
          const version = `HTTP/${x.llhttp_get_http_major(parser)}.${x.llhttp_get_http_minor(parser)}`;
          sink(methodName(x.llhttp_get_method(parser)), url, version, host, cl, conn);
          url = host = conn = "";
          cl = -1;
          seenConn = false;
          lastWasValue = true;
          return 1;
        },
      };
      // With decodeAll, every name and value becomes a string, as Node's binding and basehttp's
      // parseRequestHead hand them over; the consumer then picks its three fields from the list.
      const list: string[] = [];
      const all: Callbacks = {
        onUrl: strings.onUrl,
        onHeaderField(at, len) {
          const s = latin1(src, at - data, at - data + len);
          if (lastWasValue) list.push(s);
          else list[list.length - 1] += s;
          lastWasValue = false;
          return 0;
        },
        onHeaderValue(at, len) {
          const s = latin1(src, at - data, at - data + len);
          if (!lastWasValue) list.push(s);
          else list[list.length - 1] += s;
          lastWasValue = true;
          return 0;
        },
        onHeadersComplete() {
          for (let i = 0; i < list.length; i += 2) {
            const name = list[i]!;
            const value = list[i + 1]!;
            if (name.length === 4 && host === "" && isName(name, "Host", "host")) host = value;
            else if (name.length === 10 && !seenConn && isName(name, "Connection", "connection")) {
              seenConn = true;
              conn = connectionValue(value);
            } else if (name.length === 14 && isName(name, "Content-Length", "content-length")) cl = Number(value);
          }
          list.length = 0;
          return strings.onHeadersComplete();
        },
      };
      const fail = (r: number): never => {
        const p = x.llhttp_get_error_reason(parser);
        const mem = new Uint8Array(x.memory.buffer);
        const reason = Buffer.from(mem.subarray(p, mem.indexOf(0, p))).toString("latin1");
        throw new Error(`${name}: llhttp_execute returned ${r} (${reason})`);
      };
      const run = (callbacks: Callbacks, copy: boolean): void => {
        inst.current = callbacks;
        let at = staged;
        if (copy) {
          src = bufs[turn++ & mask]!;
          // The view is made per call, as undici does: memory may have grown since.
          new Uint8Array(x.memory.buffer, data, n).set(src);
          at = data;
        }
        const r = x.llhttp_execute(parser, at, n);
        if (r !== 0) fail(r);
      };
      return {
        full: decodeAll ? () => run(all, true) : () => run(strings, true),
        copyScan: () => run(idle, true),
        kernel: () => run(idle, false),
      };
    },
  };
}
