// The fuzzer's plumbing: the three servers in their own processes (fuzz/server-child.ts), and
// one exchange: an input sent over a real loopback socket in its pieces, everything received
// until the server closes, and the requests the server's handler saw on that connection.
// Each connection comes from its own source address (127.x.y.z), so the records a server
// reports are matched to their connection without ambiguity.

import { fork, type ChildProcess } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import type { FuzzInput } from "./generate.js";
import type { ChildMessage, EchoRecord } from "./protocol.js";

type ServerKind = "wasm" | "js" | "node";

export interface Exchange {
  received: Buffer;
  /** How the connection ended: closed by the server, reset, or still open at our limit (a hang). */
  end: "closed" | "reset" | "hang";
  /** Milliseconds from the last byte sent to the end. */
  ms: number;
  records: EchoRecord[];
}

const CHILD = fileURLToPath(new URL("./server-child.ts", import.meta.url));

export class ServerProc {
  readonly kind: ServerKind;
  port = 0;
  crashed: string | null = null;
  #child!: ChildProcess;
  #records = new Map<string, EchoRecord[]>();
  #syncs = new Map<number, (m: Extract<ChildMessage, { type: "sync" }>) => void>();
  #nextSync = 1;
  #stderr = "";

  constructor(kind: ServerKind) {
    this.kind = kind;
  }

  async start(): Promise<void> {
    this.crashed = null;
    this.#records.clear();
    this.#stderr = "";
    const child = fork(CHILD, [this.kind], {
      execArgv: ["--expose-gc", "--no-warnings", "--import", "tsx"],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    this.#child = child;
    child.stderr!.on("data", (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-4000);
    });
    child.on("exit", (code, signal) => {
      if (this.#child === child) this.crashed = `exit ${code ?? signal}: ${this.#stderr.trim().slice(-1500)}`;
      for (const resolve of this.#syncs.values()) resolve({ type: "sync", id: 0, heapUsed: 0, rss: 0, errors: [] });
      this.#syncs.clear();
    });
    await new Promise<void>((resolve, reject) => {
      child.on("message", (m: ChildMessage) => {
        if (m.type === "ready") {
          this.port = m.port;
          resolve();
        } else if (m.type === "rec") {
          // Behind a front end, the connection is the front end's client's (X-Client).
          const key = m.rec.client || `${m.rec.host}:${m.rec.port}`;
          const list = this.#records.get(key);
          if (list) list.push(m.rec);
          else this.#records.set(key, [m.rec]);
        } else if (m.type === "sync") {
          this.#syncs.get(m.id)?.(m);
          this.#syncs.delete(m.id);
        }
      });
      child.once("exit", () => reject(new Error(`fuzz server ${this.kind} exited at start: ${this.#stderr}`)));
    });
  }

  /** After every record sent before it: memory figures and errors the server handled. */
  sync(gc = false): Promise<Extract<ChildMessage, { type: "sync" }>> {
    const id = this.#nextSync++;
    return new Promise((resolve) => {
      if (this.crashed || !this.#child.connected) {
        resolve({ type: "sync", id, heapUsed: 0, rss: 0, errors: [] });
        return;
      }
      this.#syncs.set(id, resolve);
      this.#child.send({ type: "sync", id, gc });
    });
  }

  /** The records of one connection (taken: each connection is asked once). */
  take(host: string, port: number): EchoRecord[] {
    const key = `${host}:${port}`;
    const list = this.#records.get(key) ?? [];
    this.#records.delete(key);
    return list;
  }

  /** Every record not taken yet, by connection (and forget them). */
  takeAll(): Map<string, EchoRecord[]> {
    const all = this.#records;
    this.#records = new Map();
    return all;
  }

  stop(): void {
    const child = this.#child;
    this.#child = undefined as unknown as ChildProcess;
    child?.kill("SIGTERM");
  }
}

let connections = 0;

/** A fresh loopback source address per connection (127.0.0.0/8 is all local on Linux). */
function sourceAddress(): string {
  const n = connections++ % 16_000_000;
  return `127.${1 + (n >>> 16)}.${(n >>> 8) & 0xff}.${n & 0xff || 1}`;
}

/** Send `input` to `server` and collect what comes back until the server closes. */
export async function exchange(server: ServerProc, input: FuzzInput, limitMs: number): Promise<Exchange> {
  const socket = net.connect({ host: "127.0.0.1", port: server.port, localAddress: sourceAddress() });
  socket.setNoDelay(true);
  const parts: Buffer[] = [];
  let end: Exchange["end"] | null = null;
  const ended = new Promise<void>((resolve) => {
    socket.on("data", (d: Buffer) => parts.push(d));
    socket.on("error", () => {
      end ??= "reset";
    });
    socket.on("close", () => {
      end ??= "closed";
      resolve();
    });
  });
  await new Promise<void>((resolve) => {
    socket.once("connect", resolve);
    socket.once("close", resolve);
  });
  const local = { host: socket.localAddress ?? "", port: socket.localPort ?? 0 };
  let at = 0;
  for (const cut of [...input.splits, input.bytes.length]) {
    if (socket.destroyed) break;
    socket.write(input.bytes.subarray(at, cut));
    at = cut;
    if (cut < input.bytes.length) await new Promise((r) => setTimeout(r, 1));
  }
  if (!input.holdOpen && !socket.destroyed) socket.end();
  const sent = Date.now();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)))]);
  clearTimeout(timer);
  if (end === null) {
    end = "hang";
    socket.destroy();
    await ended;
    end = "hang";
  }
  await server.sync();
  return { received: Buffer.concat(parts), end, ms: Date.now() - sent, records: server.take(local.host, local.port) };
}
