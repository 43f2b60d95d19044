// basehttp behind a real front end (issue 7 item 5): Debian's nginx as a reverse proxy with
// keep-alive upstream connections (test/nginx/nginx.ts, the settings of examples/nginx.conf)
// in front of two basehttp processes, one per tokenizer backend (fuzz/server-child.ts: an echo
// handler that reports every request it serves over IPC, keyed by the X-Client field nginx
// adds). Through nginx go the whole smuggling corpus (fixtures/smuggling.md, framing.md), each
// head followed by a request hidden in its body, then pipelined and chunked traffic. Checked:
// every request nginx forwards is answered exactly once (the requests a backend served on a
// client's behalf are exactly the echo answers that client got, in order); nothing is smuggled
// past nginx (every request a backend serves carries the X-Client field nginx sets on the
// requests it forwards: one parsed out of a forwarded body would not); both backends alike.

import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServerProc } from "../../fuzz/harness.js";
import type { EchoRecord } from "../../fuzz/protocol.js";
import { splitResponses, type Response } from "../server/helpers.js";
import { loadFixtures } from "../tokenizer/fixtures.js";
import { startNginx, type Front } from "./nginx.js";

const HIDDEN = "GET /smuggled HTTP/1.1\r\nHost: s\r\n\r\n";
const LAST = "GET /last HTTP/1.1\r\nHost: l\r\nConnection: close\r\n\r\n";
/** How long a connection may stay open after its input (nginx closes at keepalive_timeout 2 s). */
const GUARD_MS = 8000;

let wasm: ServerProc;
let js: ServerProc;
let front: Front;
let connections = 0;

interface Seen {
  client: string;
  received: Buffer;
  responses: Response[];
}

/** Send `pieces` to nginx's `port` from a source address of its own; everything until nginx closes. */
async function through(port: number, pieces: Buffer[]): Promise<Seen> {
  const n = ++connections;
  const socket = net.connect({ host: "127.0.0.1", port, localAddress: `127.77.${(n >> 8) & 0xff}.${(n & 0xff) || 1}` });
  socket.setNoDelay(true);
  const parts: Buffer[] = [];
  socket.on("data", (d: Buffer) => parts.push(d));
  socket.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const client = `${socket.localAddress}:${socket.localPort}`;
  for (const [i, p] of pieces.entries()) {
    socket.write(p);
    if (i < pieces.length - 1) await new Promise((r) => setTimeout(r, 2));
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, GUARD_MS)))]);
  clearTimeout(timer);
  if (!socket.destroyed) {
    socket.destroy();
    throw new Error(`nginx kept the connection of ${client} open ${GUARD_MS} ms`);
  }
  const received = Buffer.concat(parts);
  return { client, received, responses: splitResponses(received) };
}

function echoOf(r: Response): string[] | null {
  const e = r.header("X-Echo");
  if (e === undefined) return null;
  const [method, target, version, body] = JSON.parse(Buffer.from(e, "base64").toString("latin1")) as string[];
  return [method!, target!, version!, Buffer.from(body!, "base64").toString("latin1")];
}

const recOf = (r: EchoRecord): string[] => [r.method, r.target, r.version, Buffer.from(r.body, "base64").toString("latin1")];

/** Requests served per backend in the last records() call. */
const servedBy: Record<string, number> = {};

/** Every record both backends hold, by X-Client, after every record sent so far has arrived. */
async function records(): Promise<Map<string, EchoRecord[]>> {
  await Promise.all([wasm.sync(), js.sync()]);
  const all = new Map<string, EchoRecord[]>();
  for (const s of [wasm, js]) {
    servedBy[s.kind] = 0;
    for (const [k, list] of s.takeAll()) {
      servedBy[s.kind]! += list.length;
      all.set(k, [...(all.get(k) ?? []), ...list]);
    }
  }
  // A request nginx did not forward (bytes it passed on as a body, parsed by basehttp as a
  // request) carries no X-Client: it is filed under nginx's upstream connection instead.
  const smuggled = [...all].filter(([k]) => !k.startsWith("127.77."));
  expect(smuggled.map(([, list]) => list.map(recOf)), "requests smuggled past nginx").toEqual([]);
  return all;
}

/** Requests served for `seen.client` = echo answers `seen` got, in order. */
function answeredOnce(seen: Seen, served: EchoRecord[]): void {
  const answers = seen.responses.map(echoOf).filter((e): e is string[] => e !== null);
  expect(served.map(recOf), `requests served for ${seen.client} vs echo answers it got`).toEqual(answers);
}

beforeAll(async () => {
  wasm = new ServerProc("wasm");
  js = new ServerProc("js");
  await Promise.all([wasm.start(), js.start()]);
  // Upstream connections idle for 0.5 s are closed by nginx, before basehttp's 1 s keep-alive limit.
  front = await startNginx({ wasm: [wasm.port], js: [js.port], both: [wasm.port, js.port] }, 0.5);
}, 30_000);

afterAll(async () => {
  await front?.stop();
  wasm?.stop();
  js?.stop();
});

describe("basehttp behind nginx (keep-alive upstream connections)", () => {
  const corpus = loadFixtures().filter((c) => c.file === "smuggling.md" || c.file === "framing.md");

  it("the smuggling corpus: every forwarded request answered once, nothing smuggled, both backends alike", async () => {
    expect(corpus.length).toBeGreaterThanOrEqual(50);
    const inputs = corpus.map((c) => Buffer.concat([c.input, Buffer.from(HIDDEN + LAST, "latin1")]));
    const viaWasm = await Promise.all(inputs.map((b) => through(front.ports["wasm"]!, [b])));
    const viaJs = await Promise.all(inputs.map((b) => through(front.ports["js"]!, [b])));
    const served = await records();
    let forwarded = 0;
    for (const [i, c] of corpus.entries()) {
      const where = `case at ${c.file}:${c.line}: ${c.title}`;
      for (const seen of [viaWasm[i]!, viaJs[i]!]) {
        const mine = served.get(seen.client) ?? [];
        forwarded += mine.length;
        answeredOnce(seen, mine);
        expect(seen.responses.length, `${where}: answers`).toBeGreaterThan(0);
      }
      // Both backends: the same statuses and the same echo answers.
      const view = (s: Seen) => s.responses.map((r) => `${r.status} ${JSON.stringify(echoOf(r))}`);
      expect(view(viaJs[i]!), where).toEqual(view(viaWasm[i]!));
    }
    // nginx forwards most of the corpus (it drops invalid field lines itself); all of it answered.
    expect(forwarded).toBeGreaterThan(0);
  }, 60_000);

  /** 24 requests: GETs, Content-Length and chunked POSTs (chunks of 1 to 40 bytes), one body with an extra CRLF. */
  function traffic(tag: string): { bytes: Buffer; count: number } {
    let s = "";
    let count = 0;
    for (let i = 0; i < 24; i++) {
      count++;
      if (i % 3 === 0) s += `GET /${tag}/${i} HTTP/1.1\r\nHost: h\r\n\r\n`;
      else if (i % 3 === 1) {
        const body = `body ${i} ` + "x".repeat(i * 7);
        s += `POST /${tag}/${i} HTTP/1.1\r\nHost: h\r\nContent-Length: ${body.length}\r\n\r\n${body}${i === 4 ? "\r\n" : ""}`;
      } else {
        const data = `chunked ${i} ` + "y".repeat(i * 11);
        let chunks = "";
        for (let at = 0, k = 1; at < data.length; at += k, k = (k % 40) + 7) {
          const part = data.slice(at, at + k);
          chunks += `${part.length.toString(16)}\r\n${part}\r\n`;
        }
        s += `POST /${tag}/${i} HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`;
      }
    }
    s += LAST;
    return { bytes: Buffer.from(s, "latin1"), count: count + 1 };
  }

  /** Cut into pieces at every 97th byte, so heads and chunk lines span packets. */
  const pieces = (b: Buffer): Buffer[] => Array.from({ length: Math.ceil(b.length / 97) }, (_, i) => b.subarray(i * 97, (i + 1) * 97));

  it.each(["wasm", "js", "both"])("pipelined and chunked traffic through the %s upstream: requests in = answers out", async (name) => {
    const { bytes, count } = traffic(name);
    const seen = await Promise.all([
      through(front.ports[name]!, [bytes]),
      through(front.ports[name]!, pieces(bytes)),
      ...Array.from({ length: 8 }, () => through(front.ports[name]!, [bytes])),
    ]);
    const served = await records();
    for (const s of seen) {
      expect(s.responses.map((r) => r.status)).toEqual(new Array(count).fill(200));
      const mine = served.get(s.client) ?? [];
      if (name === "both") {
        // Spread over two backends: the same requests, each served once, whatever the order.
        const sort = (a: string[][]) => a.map((x) => JSON.stringify(x)).sort();
        expect(sort(mine.map(recOf))).toEqual(sort(s.responses.map(echoOf) as string[][]));
      } else {
        answeredOnce(s, mine);
      }
      expect(mine.length).toBe(count);
    }
    // Round robin: both backends served a share; otherwise only the named one served.
    if (name === "both") {
      expect(servedBy["wasm"]).toBeGreaterThan(0);
      expect(servedBy["js"]).toBeGreaterThan(0);
    } else {
      expect(servedBy[name === "wasm" ? "js" : "wasm"]).toBe(0);
    }
    expect(servedBy["wasm"]! + servedBy["js"]!).toBe(seen.length * count);
  }, 60_000);

  it("nginx logged no upstream error (no connection reset or premature close by basehttp)", () => {
    const log = front.errorLog();
    expect(log.split("\n").filter((l) => /upstream prematurely closed|reset by peer|upstream timed out/.test(l))).toEqual([]);
  });
});
