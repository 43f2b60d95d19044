// The README's two examples of the Python manual, run as a user runs them (`npx tsx
// examples/run.ts`, `npx tsx examples/run-while-true.ts`), importing "basehttp" through the
// package's exports (the built dist/): every request is answered 501, since
// BaseHTTPRequestHandler defines no do_GET; run-while-true serves COUNT requests with
// handle_request() and then exits by itself.

import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill();
});

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function example(file: string, ...args: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ["--no-warnings", "--import", "tsx", file, ...args], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  running.push(child);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  // "close": the exit status once stderr is read to its end.
  return { child, stderr: () => stderr, exit: new Promise((resolve) => child.once("close", resolve)) };
}

/** One GET over a fresh connection, retried while the example is still starting (a guard of 20 s). */
async function get(port: number, path: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1", () => socket.write(`GET ${path} HTTP/1.0\r\n\r\n`));
        let text = "";
        socket.setEncoding("latin1").on("data", (d: string) => (text += d)).on("end", () => resolve(text)).on("error", reject);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ECONNREFUSED" || attempt >= 200) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe("examples of the Python manual", () => {
  it("examples/run.ts serves forever on the port given, every request 501", async () => {
    const port = await freePort();
    const run = example("examples/run.ts", String(port));
    for (const path of ["/", "/again"]) {
      const answer = await get(port, path);
      expect(answer).toMatch(/^HTTP\/1\.0 501 Unsupported method \('GET'\)\r\n/);
    }
    expect(run.child.exitCode).toBe(null);
    // The log line leaves on another pipe than the answer: wait for it (a guard, not a timing assertion).
    await vi.waitFor(() => expect(run.stderr()).toMatch(/"GET \/again HTTP\/1\.0" 501 -\n$/), { timeout: 5000 });
  });

  it("examples/run-while-true.ts serves COUNT requests with handle_request(), then exits 0", async () => {
    const port = await freePort();
    const run = example("examples/run-while-true.ts", "2", String(port));
    expect(await get(port, "/one")).toMatch(/^HTTP\/1\.0 501 /);
    expect(await get(port, "/two")).toMatch(/^HTTP\/1\.0 501 /);
    expect(await run.exit).toBe(0);
    expect(run.stderr().match(/" 501 -\n/g)?.length).toBe(2);
  });
});
