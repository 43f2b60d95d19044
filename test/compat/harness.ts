// The compat harness: CPython 3.11's http.server (fixtures/echo_server.py, a child process)
// and basehttp (in-process, both tokenizer backends) serving the same handlers; a raw client
// that sends exact bytes on 127.0.0.1 and reads until the server closes; and the one
// normalisation the comparison allows (Date values, the interpreter in Server, log times).

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import net from "node:net";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { HTTPServer } from "../../src/http/server.js";
import type { RequestHandlerClass } from "../../src/socketserver/base-server.js";
import { PARSERS } from "../server/helpers.js";
import { ERROR_CASES_PATH } from "./handlers.js";

const SCRIPT = new URL("./fixtures/echo_server.py", import.meta.url).pathname;
/** How long one connection may take before the exchange fails (never a timing assertion). */
const CONNECTION_TIMEOUT_MS = 5000;

/** The CPython servers of one test file. */
export interface Python {
  ports: Record<string, number>;
  /** Everything the process wrote on stderr so far (its request log). */
  stderr(): string;
  stop(): Promise<void>;
}

/** The CPython the answers are compared with: 3.11, the reference (3.12 and 3.13 answer a few of
 * these requests otherwise: a `.js` type, a request line over 65,536 bytes). BASEHTTP_PYTHON
 * names one; else `python3.11`, else `python3`, which must then be 3.11. */
function referencePython(): string {
  const version = (python: string): string | null => {
    const r = spawnSync(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const chosen = process.env["BASEHTTP_PYTHON"] ?? (version("python3.11") === "3.11" ? "python3.11" : "python3");
  const found = version(chosen);
  if (found !== "3.11") {
    throw new Error(`test/compat compares with CPython 3.11; ${chosen} is ${found ?? "missing"}: install python3.11 or set BASEHTTP_PYTHON`);
  }
  return chosen;
}

let python: string | undefined;

/** Run `script` under the reference CPython (referencePython) with `input` as JSON on its stdin,
 * and parse what it prints as JSON: how the *-cpython tests ask CPython's own functions. */
export function askPython<T>(script: string, input: unknown): T {
  const run = spawnSync(referencePython(), ["-c", script], { input: JSON.stringify(input), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`python: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** Start `python3.11 echo_server.py` with the servers `names`; resolves once it printed its ports. */
export function startPython(directory: string, names: string[]): Promise<Python> {
  python ??= referencePython();
  const child: ChildProcess = spawn(python, ["-u", SCRIPT, ERROR_CASES_PATH, directory, ...names], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, PYTHONIOENCODING: "utf-8", PYTHONUTF8: "1", PYTHONDONTWRITEBYTECODE: "1" },
  });
  let err = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => (err += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`python3 did not start: ${err}`));
    }, 10_000);
    child.once("error", reject);
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (d: string) => {
      out += d;
      if (!out.includes("\n")) return;
      clearTimeout(timer);
      resolve({
        ports: JSON.parse(out) as Record<string, number>,
        stderr: () => err,
        async stop() {
          child.stdin!.end();
          const killer = setTimeout(() => child.kill(), 2000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
    void exited.then(() => reject(new Error(`python3 exited: ${err}`)));
  });
}

/** The basehttp servers of one test file: per parser, per name, serving. */
export interface Basehttp {
  ports: Record<ParserName, Record<string, number>>;
  stop(): Promise<void>;
}

export async function startBasehttp(handlers: Record<string, RequestHandlerClass<never>>): Promise<Basehttp> {
  const running: { server: HTTPServer; loop: Promise<void> }[] = [];
  const ports = { wasm: {}, js: {} } as Record<ParserName, Record<string, number>>;
  for (const parser of PARSERS) {
    for (const [name, Handler] of Object.entries(handlers)) {
      const server = new HTTPServer(["127.0.0.1", 0], Handler, { parser });
      await server.ready;
      running.push({ server, loop: server.serve_forever(0.05) });
      ports[parser][name] = server.server_port;
    }
  }
  return {
    ports,
    async stop() {
      for (const { server, loop } of running) {
        await server.shutdown();
        server.server_close();
        await loop;
      }
    },
  };
}

/** Send `request`, end our side, and collect every byte until the server closes (a reset
 * after the answer, as when the server leaves unread bytes behind, also ends it). */
export function exchange(port: number, request: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, "127.0.0.1", () => socket.end(request));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`port ${port}: no close within ${CONNECTION_TIMEOUT_MS} ms; got ${JSON.stringify(Buffer.concat(chunks).toString("latin1"))}`));
    }, CONNECTION_TIMEOUT_MS);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "ECONNRESET" && e.code !== "EPIPE") {
        clearTimeout(timer);
        reject(e);
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

const SYS_VERSION = /^(Server: [^\r\n]*) (?:Python\/3\.\d+\.\d+|Node\.js\/\d+\.\d+\.\d+)$/gm;
const DATE = /^Date: [^\r\n]*$/gm;

/** The answer as ISO-8859-1 text with the Date values and the interpreter in Server replaced. */
export function neutralise(raw: Buffer): string {
  return raw.toString("latin1").replace(DATE, "Date: <date>").replace(SYS_VERSION, "$1 <sys_version>");
}

/** Log lines with the time replaced: `127.0.0.1 - - [<time>] "GET / HTTP/1.0" 200 -`. */
export function neutraliseLog(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.replace(/^(\S+ - - )\[\d\d\/\w{3}\/\d{4} \d\d:\d\d:\d\d\]/, "$1[<time>]"));
}

/** Capture what basehttp writes on this process's stderr (its request log) instead of printing it. */
export class StderrCapture {
  #text = "";
  readonly #original = process.stderr.write;

  constructor() {
    const capture = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      this.#text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      cb?.();
      return true;
    };
    process.stderr.write = capture as typeof process.stderr.write;
  }

  text(): string {
    return this.#text;
  }

  restore(): void {
    process.stderr.write = this.#original;
  }
}

/** Wait (bounded) until `get()` holds `n` more lines than `from`, for the CPython log pipe. */
export async function waitForLines(get: () => string, from: number, n: number): Promise<string> {
  const deadline = Date.now() + CONNECTION_TIMEOUT_MS;
  for (;;) {
    const text = get().slice(from);
    if (text.split("\n").length - 1 >= n || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 10));
  }
}
