// The load of bench/stress.ts, in a process of its own (forked with an IPC channel) so the
// server's process sees only its own work: idle keep-alive connections, a garbage flood and
// its measured client (each in a process of its own), a keep-alive load during a graceful
// shutdown, and one large upload. Loopback only; every mode is bounded in connections, bytes
// and time. Usage: fork with argv `<mode> <port> ...`.

import { execFileSync } from "node:child_process";
import net from "node:net";
import { measuredGet, type MeasuredConnection } from "./measured-get.js";

const [mode, portText, ...rest] = process.argv.slice(2);
const PORT = Number(portText);
const HOST = "127.0.0.1";
const GET = Buffer.from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
const send = (m: object): void => void process.send!(m);

/** `count` connections that each send one request, read its answer and then stay open. */
async function idle(count: number): Promise<void> {
  const sockets: net.Socket[] = [];
  let answered = 0;
  let failed = 0;
  const batch = 500;
  for (let i = 0; i < count; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, () =>
        new Promise<void>((resolve) => {
          const s = net.connect(PORT, HOST, () => s.write(GET));
          sockets.push(s);
          let got = "";
          const onData = (d: Buffer): void => {
            got += d.toString("latin1");
            if (got.endsWith("Hello, world!")) {
              answered++;
              s.off("data", onData);
              resolve();
            }
          };
          s.on("data", onData);
          s.on("error", () => {
            failed++;
            resolve();
          });
        }),
      ),
    );
  }
  let closed = 0;
  for (const s of sockets) s.on("close", () => void closed++);
  send({ cmd: "idle-open", answered, failed });
  process.on("message", (m: { cmd: string }) => {
    if (m.cmd === "close") {
      for (const s of sockets) s.destroy();
      send({ cmd: "closed", closedByServer: closed });
      setTimeout(() => process.exit(0), 50);
    }
  });
}

/**
 * `count` connections that send random bytes, one write per event-loop turn across all of them
 * (so the server sees them interleaved, each write its own segment), reconnecting whenever the
 * server closes one. Each turn goes to the next connection in turn and writes to it if it is
 * open and writable; `rate` turns a second (0: as fast as this process turns its loop), so
 * the flood offered is the same whatever CPU this process gets on a loaded machine, and what
 * each server lets through (writes, connections) is reported.
 */
function flood(count: number, seconds: number, rate: number): void {
  const pool = Buffer.alloc(1 << 20);
  for (let i = 0; i < pool.length; i++) pool[i] = (Math.random() * 256) | 0;
  const sockets: (net.Socket | null)[] = new Array(count).fill(null);
  let writes = 0;
  let bytes = 0;
  let connections = 0;
  let closedByServer = 0;
  const open = (i: number): void => {
    const s = net.connect(PORT, HOST);
    connections++;
    s.on("error", () => undefined);
    s.on("data", () => undefined);
    s.on("close", () => {
      if (sockets[i] === s) {
        sockets[i] = null;
        closedByServer++;
        if (!stop) open(i);
      }
    });
    sockets[i] = s;
  };
  let stop = false;
  for (let i = 0; i < count; i++) open(i);
  let next = 0;
  let turns = 0;
  const t0 = performance.now();
  const step = (): void => {
    if (stop) return;
    if (rate > 0) {
      const due = ((performance.now() - t0) * rate) / 1000;
      // Ahead of the schedule: wait for the next millisecond. Behind it (this process was not
      // run): go on from now, no burst to catch up.
      if (turns >= due) return void setTimeout(step, 1);
      if (turns < due - rate / 100) turns = Math.floor(due - rate / 100);
      turns++;
    }
    const s = sockets[next];
    next = (next + 1) % count;
    if (s && !s.connecting && s.writable && !s.writableNeedDrain) {
      const size = 256 + ((Math.random() * 1792) | 0);
      const at = (Math.random() * (pool.length - size)) | 0;
      s.write(pool.subarray(at, at + size));
      writes++;
      bytes += size;
    }
    setImmediate(step);
  };
  setImmediate(step);
  setTimeout(() => {
    stop = true;
    for (const s of sockets) s?.destroy();
    send({ cmd: "flood-done", writes, bytes, connections, reconnects: closedByServer });
    setTimeout(() => process.exit(0), 50);
  }, seconds * 1000);
}

/**
 * The measured client of the flood: one keep-alive GET at a time for `seconds`, in a process of
 * its own (nothing else on its event loop, so a latency is the server's, not this loop's); the
 * latency of each answered request, failures counted (an error, a close, or no answer in 2 s).
 */
async function measure(seconds: number, fifo: boolean): Promise<void> {
  // With `fifo`, this thread (the one that times the requests) takes the real-time policy once it
  // is ready: its wake-up preempts whatever ordinary task holds the CPU, so its own wait for a CPU
  // after the answer is written stays out of the figure (it makes one small request at a time).
  if (fifo) execFileSync("chrt", ["-f", "-p", "1", String(process.pid)], { stdio: "ignore" });
  const times: number[] = [];
  let failures = 0;
  const end = performance.now() + seconds * 1000;
  const conn: MeasuredConnection = { sock: null };
  while (performance.now() < end) {
    const t0 = performance.now();
    const ok = await measuredGet(conn, PORT, GET);
    if (ok) times.push(performance.now() - t0);
    else failures++;
  }
  conn.sock?.destroy();
  times.sort((a, b) => a - b);
  const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(times.length * p))] ?? NaN;
  send({ cmd: "measured", p50: q(0.5), p99: q(0.99), p999: q(0.999), ok: times.length, failures });
  setTimeout(() => process.exit(0), 50);
}

/**
 * `count` keep-alive connections each sending GET /slow one after another until told to stop;
 * counts answers, requests left unanswered when the server closed the connection (lost),
 * answers cut short (truncated), and connections the server announced it would close
 * (`Connection: close` on an answer), which are then sent nothing more.
 */
function load(count: number): void {
  const SLOW = Buffer.from("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  let answered = 0;
  let lost = 0;
  let truncated = 0;
  let refused = 0;
  let announced = 0;
  let stopped = false;
  const conns: net.Socket[] = [];
  const run = (): void => {
    const s = net.connect(PORT, HOST);
    conns.push(s);
    let got = "";
    let waiting = false;
    let closing = false;
    const ask = (): void => {
      if (stopped) return void s.end();
      waiting = true;
      got = "";
      s.write(SLOW);
    };
    s.on("connect", ask);
    s.on("data", (d: Buffer) => {
      got += d.toString("latin1");
      if (got.endsWith("Hello, world!")) {
        answered++;
        waiting = false;
        // A server that announces the close is not sent another request (RFC 9112 §9.6).
        if (/\r\nconnection: close\r\n/i.test(got)) {
          closing = true;
          s.end();
        } else ask();
      }
    });
    s.on("error", () => undefined);
    s.on("close", () => {
      if (closing) announced++;
      if (s.connecting || (!waiting && got === "" && answered === 0)) refused++;
      else if (waiting) {
        if (got === "") lost++;
        else truncated++;
      }
      waiting = false;
    });
  };
  for (let i = 0; i < count; i++) run();
  process.on("message", (m: { cmd: string }) => {
    if (m.cmd === "status") send({ cmd: "status", answered });
    if (m.cmd === "stop") {
      stopped = true;
      // Connections still open have nothing in flight; whatever closes later was counted.
      setTimeout(() => {
        for (const s of conns) s.destroy();
        send({ cmd: "load-done", answered, lost, truncated, refused, announced });
        setTimeout(() => process.exit(0), 50);
      }, 500);
    }
  });
  send({ cmd: "load-started" });
}

/** One POST of `size` bytes, Content-Length or chunked (64 KiB chunks), timed to its answer. */
function upload(size: number, chunked: boolean): void {
  const block = Buffer.alloc(1 << 20, 0x61);
  const CHUNK = 65536;
  const chunkHead = Buffer.from(`${CHUNK.toString(16)}\r\n`);
  const crlf = Buffer.from("\r\n");
  const framedBlock = Buffer.concat(
    Array.from({ length: block.length / CHUNK }, () => [chunkHead, block.subarray(0, CHUNK), crlf]).flat(),
  );
  const s = net.connect(PORT, HOST);
  s.setNoDelay(true);
  let t0 = 0;
  let got = "";
  s.on("connect", () => {
    t0 = performance.now();
    const framing = chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${size}`;
    s.write(`POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\n${framing}\r\n\r\n`);
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        const n = Math.min(block.length, size - sent);
        const part = chunked ? (n === block.length ? framedBlock : Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), block.subarray(0, n), crlf])) : block.subarray(0, n);
        sent += n;
        if (sent >= size && chunked) {
          s.write(part);
          s.write("0\r\n\r\n");
          return;
        }
        if (!s.write(part)) return void s.once("drain", pump);
      }
    };
    pump();
  });
  s.on("data", (d: Buffer) => {
    got += d.toString("latin1");
    const m = /\r\n\r\n(\d+)$/.exec(got);
    if (m && got.includes("HTTP/1.1 200")) {
      const seconds = (performance.now() - t0) / 1000;
      send({ cmd: "upload-done", seconds, counted: Number(m[1]) });
      s.destroy();
      setTimeout(() => process.exit(0), 50);
    }
  });
  s.on("error", (e) => {
    send({ cmd: "upload-done", seconds: NaN, counted: 0, error: e.message });
    setTimeout(() => process.exit(0), 50);
  });
}

if (mode === "idle") await idle(Number(rest[0]));
else if (mode === "flood") flood(Number(rest[0]), Number(rest[1]), Number(rest[2] ?? 0));
else if (mode === "measure") await measure(Number(rest[0]), rest[1] === "fifo");
else if (mode === "load") load(Number(rest[0]));
else if (mode === "upload") upload(Number(rest[0]), rest[1] === "chunked");
else throw new Error(`unknown mode ${mode}`);
