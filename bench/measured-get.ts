// The measured client's one request, shared by the stress flood (stress-client.ts) and its trace
// (flood-trace-child.ts): a keep-alive GET on one connection, opened again whenever it closed.

import net from "node:net";

/** The measured client's connection (null until the first request, or after a failure). */
export interface MeasuredConnection {
  sock: net.Socket | null;
}

/**
 * Send `request` on `conn` (connecting to 127.0.0.1:`port` first when it has no open socket) and
 * wait for the hello answer: true when it came whole with status 200; false on an error, a close
 * or no answer within 2 s (the socket is then destroyed). `beforeWrite` runs just before the write.
 */
export function measuredGet(conn: MeasuredConnection, port: number, request: Buffer, beforeWrite?: () => void): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if (conn.sock === null || conn.sock.destroyed) {
      conn.sock = net.connect(port, "127.0.0.1");
      conn.sock.setNoDelay(true);
    }
    const s = conn.sock;
    let got = "";
    const done = (v: boolean): void => {
      clearTimeout(timer);
      s.off("data", onData);
      s.off("close", onClose);
      s.off("error", onClose);
      if (!v) s.destroy();
      resolve(v);
    };
    const onData = (d: Buffer): void => {
      got += d.toString("latin1");
      if (got.endsWith("Hello, world!")) done(got.startsWith("HTTP/1.1 200"));
    };
    const onClose = (): void => done(false);
    const timer = setTimeout(() => done(false), 2000);
    s.on("data", onData);
    s.on("close", onClose);
    s.on("error", onClose);
    beforeWrite?.();
    s.write(request);
  });
}
