// A child of bench/flood-trace.ts, forked with an IPC channel. `server KIND`: one of
// bench/hello-servers.ts (node, basehttp-wasm, basehttp-wasm@DIR, ...), with what its event loop
// does stamped on the monotonic clock: each accept and each read callback of the poll phase
// (node:http's parser callback where it consumes the socket), each newcomers batch of basehttp's
// check phase (setImmediate(runNewcomers), timed up to a microtask queued after it) with the jobs
// waiting, GC (PerformanceObserver 'gc'), and for the measured client's requests (GET /m/<i>) the
// handler's entry (node:http's `request` event, basehttp's send_response) with the main thread's
// run-queue wait so far, and the end of each write system call on the measured connection. `client
// PORT SECONDS FILE`: the measured client of bench/stress-client.ts (one keep-alive GET at a time),
// with each request's send and receipt stamped, its own run-queue wait in the request and the CPU
// it ran on; its GC too. Both write Float64Arrays to files the parent reads.

import diagnostics from "node:diagnostics_channel";
import { openSync, readSync, writeFileSync } from "node:fs";
import net from "node:net";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { measuredGet, type MeasuredConnection } from "./measured-get.js";

/** Kinds of event in a server's record (kind, start, end, extra). */
export const EV = { accept: 1, read: 2, measuredRead: 3, batch: 4, micro: 5, gc: 6, handler: 7, written: 8 } as const;

/** performance.now() + OFFSET is the monotonic clock in ms (process.hrtime), the same in every
 * process: taken where two performance.now() readings around it are closest. */
function offset(): number {
  let best = Infinity;
  let off = 0;
  for (let i = 0; i < 50; i++) {
    const p0 = performance.now();
    const h = Number(process.hrtime.bigint()) / 1e6;
    const p1 = performance.now();
    if (p1 - p0 < best) {
      best = p1 - p0;
      off = h - (p0 + p1) / 2;
    }
  }
  return off;
}
const OFFSET = offset();

const statBuffer = Buffer.alloc(1024);
/** This (main) thread's time waiting for a CPU so far, ms (/proc schedstat), and the CPU it last ran on. */
const schedstat = openSync(`/proc/self/task/${process.pid}/schedstat`, "r");
const stat = openSync(`/proc/self/task/${process.pid}/stat`, "r");
function runQueueMs(): number {
  const n = readSync(schedstat, statBuffer, 0, statBuffer.length, 0);
  return Number(statBuffer.toString("latin1", 0, n).split(" ")[1]) / 1e6;
}
function cpu(): number {
  const n = readSync(stat, statBuffer, 0, statBuffer.length, 0);
  const text = statBuffer.toString("latin1", 0, n);
  return Number(text.slice(text.lastIndexOf(")") + 2).split(" ")[36]);
}

// Forked with a mode; imported (by flood-trace.ts, for EV), nothing runs.
const [mode, ...rest] = process.argv.slice(2);
if (mode === "client") await client(Number(rest[0]), Number(rest[1]), rest[2]!);
else if (mode === "server") await server(rest[0] ?? "node");

async function server(kind: string): Promise<void> {
  const CAP = 4_000_000;
  const events = new Float64Array(CAP * 4);
  let count = 0;
  let recording = false;
  const record = (k: number, a: number, b: number, x: number): void => {
    if (!recording || count >= CAP) return;
    const i = count++ * 4;
    events[i] = k;
    events[i + 1] = a;
    events[i + 2] = b;
    events[i + 3] = x;
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) record(EV.gc, e.startTime, e.startTime + e.duration, 0);
  }).observe({ entryTypes: ["gc"] });
  const delay = monitorEventLoopDelay({ resolution: 10 });

  // basehttp's newcomers batches: the setImmediate of runNewcomers (newcomers.ts), timed with the
  // microtasks its jobs queued (a microtask queued after it runs after theirs).
  const [name = "node", checkout] = kind.split("@");
  const src = checkout === undefined ? new URL("../src/", import.meta.url) : pathToFileURL(`${checkout}/src/`);
  let waiting: () => number = () => 0;
  if (name.startsWith("basehttp")) {
    const newcomers = (await import(new URL("socketserver/newcomers.js", src).href)) as { newcomersWaiting(): number };
    waiting = newcomers.newcomersWaiting;
  }
  const micro = (): void => {
    const t = performance.now();
    record(EV.micro, t, t, 0);
  };
  const setImmediateOriginal = globalThis.setImmediate;
  globalThis.setImmediate = function (callback: (...a: unknown[]) => void, ...args: unknown[]) {
    if (callback.name !== "runNewcomers") return setImmediateOriginal(callback, ...args);
    return setImmediateOriginal(() => {
      const t0 = performance.now();
      const before = waiting();
      callback(...args);
      record(EV.batch, t0, performance.now(), before * 1e5 + (before - waiting()));
      queueMicrotask(micro);
    });
  } as typeof setImmediate;

  // Listening servers, to time their accepts once serve() has set them up (basehttp replaces
  // the handle's onconnection after listen).
  const listening: net.Server[] = [];
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    listening.push(this);
    return (listen as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof listen;

  const MEASURED = Symbol("measured");
  let current = -1;
  type Any = Record<string | symbol | number, unknown>;
  const timed = (target: Any, key: string | number, kindOf: () => number): void => {
    const original = target[key] as (...a: unknown[]) => unknown;
    target[key] = function (this: unknown, ...a: unknown[]) {
      const t = performance.now();
      const r = original.apply(this, a);
      record(kindOf(), t, performance.now(), current);
      return r;
    };
  };
  // Reads. node:http's parser consumes the handle: a read is parsed in C++, which calls
  // kOnHeadersComplete (a head: the request handler runs in it) during the parse and kOnExecute
  // (set per connection; a parse error's answer and close run in it) after it. Others: onread.
  const { HTTPParser } = (process as unknown as { binding(n: string): { HTTPParser: Record<string, number> } }).binding("http_parser");
  const kOnExecute = HTTPParser["kOnExecute"]! | 0;
  const kOnHeadersComplete = HTTPParser["kOnHeadersComplete"]! | 0;
  const WRAPPED = Symbol("wrapped");
  diagnostics.subscribe("net.server.socket", (message) => {
    const socket = (message as { socket: Any }).socket;
    const kindOf = (): number => (socket[MEASURED] ? EV.measuredRead : EV.read);
    const parser = socket["parser"] as Any | null | undefined;
    if (parser && typeof parser[kOnExecute] === "function") {
      timed(parser, kOnExecute, () => EV.read);
      // Set once per parser (node keeps a pool of them): wrapped once.
      if (!parser[WRAPPED]) {
        parser[WRAPPED] = true;
        timed(parser, kOnHeadersComplete, () => ((parser["socket"] as Any | null)?.[MEASURED] ? EV.measuredRead : EV.read));
      }
    } else if (socket["_handle"]) timed(socket["_handle"] as Any, "onread", kindOf);
  });
  /** A measured request's handler starts: its connection is marked and its writes timed. */
  const entered = (socket: Any, url: string): void => {
    if (!url.startsWith("/m/")) return;
    current = Number(url.slice(3));
    const t = performance.now();
    record(EV.handler, t, runQueueMs(), current);
    if (socket[MEASURED]) return;
    socket[MEASURED] = true;
    const handle = socket["_handle"] as Any;
    for (const key of ["writeBuffer", "writev", "writeLatin1String", "writeUtf8String", "writeAsciiString"]) {
      if (typeof handle[key] !== "function") continue;
      const original = handle[key] as (...a: unknown[]) => unknown;
      handle[key] = function (this: unknown, ...a: unknown[]) {
        const r = original.apply(this, a);
        const end = performance.now();
        record(EV.written, end, cpu(), current);
        return r;
      };
    }
  };
  if (name.startsWith("basehttp")) {
    const { BaseHTTPRequestHandler } = (await import(new URL("http/handler.js", src).href)) as typeof import("../src/http/handler.js");
    const proto = BaseHTTPRequestHandler.prototype as unknown as { send_response(this: { path: string; request: unknown }, ...a: unknown[]): void };
    const send = proto.send_response;
    proto.send_response = function (...a: unknown[]) {
      entered(this.request as Any, this.path);
      return send.apply(this, a);
    };
  }
  const { serve } = await import("./hello-servers.js");
  const served = await serve(kind);
  for (const s of listening) {
    const handle = (s as unknown as { _handle: Any | null })._handle;
    if (handle !== null) timed(handle, "onconnection", () => EV.accept);
    s.prependListener("request", (req: { socket: Any; url: string }) => entered(req.socket, req.url));
  }

  process.on("message", (m: { cmd: string; file?: string }) => {
    if (m.cmd === "start") {
      count = 0;
      recording = true;
      delay.reset();
      delay.enable();
      process.send!({ cmd: "started" });
    } else if (m.cmd === "stop") {
      // The GC entries of the last moments come in a task of their own.
      setTimeout(() => {
        recording = false;
        delay.disable();
        const out = events.slice(0, count * 4);
        for (let i = 0; i < count; i++) {
          out[i * 4 + 1]! += OFFSET;
          if (out[i * 4] !== EV.handler && out[i * 4] !== EV.written) out[i * 4 + 2]! += OFFSET;
        }
        writeFileSync(m.file!, out);
        process.send!({ cmd: "stopped", events: count, delayP99: delay.percentile(99) / 1e6 });
      }, 50);
    }
  });
  process.send!({ cmd: "ready", port: served.port });
}

async function client(port: number, seconds: number, file: string): Promise<void> {
  const gcs: number[] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push(e.startTime + OFFSET, e.startTime + e.duration + OFFSET);
  }).observe({ entryTypes: ["gc"] });
  // Per request: id, send, receipt, run-queue wait in it, the CPU it was received on.
  const out: number[] = [];
  let failures = 0;
  const conn: MeasuredConnection = { sock: null };
  const end = performance.now() + seconds * 1000;
  for (let i = 0; performance.now() < end; i++) {
    const request = Buffer.from(`GET /m/${i} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    let t0 = 0;
    let waited = 0;
    const ok = await measuredGet(conn, port, request, () => {
      waited = runQueueMs();
      t0 = performance.now();
    });
    const t1 = performance.now();
    waited = runQueueMs() - waited;
    if (ok) out.push(i, t0 + OFFSET, t1 + OFFSET, waited, cpu());
    else failures++;
  }
  conn.sock?.destroy();
  await new Promise((r) => setTimeout(r, 30));
  writeFileSync(file, new Float64Array(out));
  writeFileSync(`${file}.gc`, new Float64Array(gcs));
  process.send!({ cmd: "measured", count: out.length / 5, failures });
  setTimeout(() => process.exit(0), 50);
}
