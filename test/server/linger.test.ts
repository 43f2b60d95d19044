// The lingering close (src/socketserver/linger.ts): each lingering connection is an entry in one
// list, looked at by one sweep. A socket read into WASM memory leaves the list when it is
// destroyed, without a `close` listener; node:net's own sockets through their `close` event.
// Either way nothing stays listed after the connection is gone, and the drain still ends at the
// peer's FIN, the byte budget or the time budget (drain.test.ts covers those end to end).

import net from "node:net";
import { describe, expect, it, vi } from "vitest";
import { acceptInto, LinearSocket, type ReadRegion } from "../../src/socketserver/linear-socket.js";
import { isPeerDone, linger, lingeringCount, peerDone } from "../../src/socketserver/linger.js";

type Kind = "linear" | "node";

/** A connected pair: the server side as `kind` makes it (paused, as a server accepts it). */
async function pair(kind: Kind): Promise<{ socket: net.Socket; client: net.Socket; close(): void }> {
  const landed = new Uint8Array(256);
  const region: ReadRegion = { view: () => landed, adopt: () => undefined };
  const srv = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  const accepted = new Promise<net.Socket>((resolve) => srv.once("connection", resolve));
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  if (kind === "linear") expect(acceptInto(srv, region, true)).toBe(true);
  const client = net.connect({ port: (srv.address() as net.AddressInfo).port, host: "127.0.0.1", allowHalfOpen: true });
  client.on("error", () => undefined);
  const socket = await accepted;
  socket.on("error", () => undefined);
  expect(socket instanceof LinearSocket).toBe(kind === "linear");
  return {
    socket,
    client,
    close() {
      client.destroy();
      socket.destroy();
      srv.close();
    },
  };
}

/** The socket's `close` event, listened for from now (call before what closes it). */
function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => socket.once("close", () => resolve()));
}

for (const kind of ["linear", "node"] as const) {
  describe(`lingering close (${kind === "linear" ? "read into WASM memory" : "node:net's data events"})`, () => {
    it("lists the connection while it drains and lets it go at the peer's FIN", async () => {
      const { socket, client, close } = await pair(kind);
      try {
        const before = lingeringCount();
        const closes = socket.listenerCount("close");
        socket.end("bye");
        linger(socket, 1024, 5, 60);
        expect(lingeringCount()).toBe(before + 1);
        // A socket read into WASM memory says when it is destroyed: no listener added for that.
        expect(socket.listenerCount("close")).toBe(kind === "linear" ? closes : closes + 1);
        const got: Buffer[] = [];
        client.on("data", (d: Buffer) => got.push(d));
        await new Promise<void>((resolve) => client.once("end", () => resolve()));
        expect(Buffer.concat(got).toString()).toBe("bye");
        client.write("still talking");
        client.end();
        await vi.waitFor(() => expect(lingeringCount()).toBe(before), { timeout: 5000 });
      } finally {
        close();
      }
    });

    it("lets the connection go when it is destroyed from elsewhere (a reset, server_close)", async () => {
      const { socket, close } = await pair(kind);
      try {
        const before = lingeringCount();
        socket.end();
        linger(socket, 1024, 5, 60);
        expect(lingeringCount()).toBe(before + 1);
        const gone = closed(socket);
        socket.destroy();
        await gone;
        expect(lingeringCount()).toBe(before);
      } finally {
        close();
      }
    });

    it("cuts the connection off past the byte budget, and several lingering ones each keep their own entry", async () => {
      const a = await pair(kind);
      const b = await pair(kind);
      try {
        const before = lingeringCount();
        a.socket.end();
        b.socket.end();
        linger(a.socket, 100, 5, 60);
        linger(b.socket, 100_000, 5, 60);
        expect(lingeringCount()).toBe(before + 2);
        const aGone = closed(a.socket);
        const bGone = closed(b.socket);
        a.client.write(Buffer.alloc(500, "g"));
        await aGone;
        expect(lingeringCount()).toBe(before + 1);
        expect(b.socket.destroyed).toBe(false);
        b.client.write(Buffer.alloc(500, "g"));
        b.client.end();
        await bGone;
        expect(lingeringCount()).toBe(before);
      } finally {
        a.close();
        b.close();
      }
    });

    it("lingering the same socket again replaces its entry", async () => {
      const { socket, close } = await pair(kind);
      try {
        const before = lingeringCount();
        socket.end();
        linger(socket, 1024, 5, 60);
        linger(socket, 1024, 5, 60);
        expect(lingeringCount()).toBe(before + 1);
        const gone = closed(socket);
        socket.destroy();
        await gone;
        expect(lingeringCount()).toBe(before);
      } finally {
        close();
      }
    });

    it("destroys at once when there is no drain time and nothing left to send", async () => {
      const { socket, close } = await pair(kind);
      try {
        const before = lingeringCount();
        socket.end();
        await new Promise((resolve) => setImmediate(resolve));
        linger(socket, 1024, 0, 60);
        expect(socket.destroyed).toBe(true);
        expect(lingeringCount()).toBe(before);
      } finally {
        close();
      }
    });

    it("with no drain time, waits for the shutdown to be sent before destroying: the peer sees a FIN, not a reset", async () => {
      const { socket, client, close } = await pair(kind);
      try {
        const before = lingeringCount();
        let error: NodeJS.ErrnoException | null = null;
        client.on("error", (e: NodeJS.ErrnoException) => (error = e));
        const got: Buffer[] = [];
        client.on("data", (d: Buffer) => got.push(d));
        const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
        const gone = closed(socket);
        socket.end("last words");
        // The shutdown is still pending ('finish' not yet emitted): not destroyed now, no entry.
        linger(socket, 1024, 0, 60);
        expect(socket.destroyed).toBe(false);
        expect(lingeringCount()).toBe(before);
        await gone;
        await ended;
        expect(Buffer.concat(got).toString()).toBe("last words");
        client.end();
        await new Promise<void>((resolve) => client.once("close", () => resolve()));
        expect(error).toBeNull();
      } finally {
        close();
      }
    });

    it("peerDone marks a socket (TCPServer.close_request then does not drain it)", async () => {
      const { socket, close } = await pair(kind);
      try {
        expect(isPeerDone(socket)).toBe(false);
        peerDone(socket);
        expect(isPeerDone(socket)).toBe(true);
      } finally {
        close();
      }
    });
  });
}
