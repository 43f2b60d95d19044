// A raw HTTP/1.x client for the SimpleHTTPRequestHandler and CLI tests: writes request bytes
// exactly as given (paths without a leading slash, `//`, `%00` ...) and parses what comes
// back, so the tests see the bytes on the wire, not a client library's reading of them.

import net from "node:net";

export interface RawResponse {
  /** "HTTP/1.0" */
  version: string;
  status: number;
  reason: string;
  /** Header lines in order, names as sent. */
  headerList: [string, string][];
  body: Buffer;
  /** Case-insensitive first value, or undefined. */
  header(name: string): string | undefined;
}

/** Send `data`, read until the server closes the connection (bounded by `timeoutMs`). */
export function exchangeRaw(port: number, data: string | Uint8Array, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, "127.0.0.1", () => socket.write(data));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no close within ${timeoutMs} ms`)));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

/** Split a byte stream holding one or more responses; `noBody` says which carry none (HEAD, 304). */
export function parseResponses(raw: Buffer, noBody: (index: number, status: number) => boolean = () => false): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  while (at < raw.length) {
    const end = raw.indexOf("\r\n\r\n", at);
    if (end < 0) throw new Error(`incomplete head: ${JSON.stringify(raw.subarray(at).toString("latin1"))}`);
    const lines = raw.toString("latin1", at, end).split("\r\n");
    const m = /^(HTTP\/\d\.\d) (\d{3}) ?(.*)$/.exec(lines[0]!);
    if (m === null) throw new Error(`bad status line ${JSON.stringify(lines[0])}`);
    const headerList = lines.slice(1).map((l): [string, string] => {
      const colon = l.indexOf(":");
      return [l.slice(0, colon), l.slice(colon + 1).trim()];
    });
    const header = (name: string) => headerList.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const status = Number(m[2]);
    at = end + 4;
    let body: Buffer;
    const length = header("Content-Length");
    if (noBody(out.length, status) || status === 304 || status === 204) body = Buffer.alloc(0);
    else if (length !== undefined) body = raw.subarray(at, at + Number(length));
    else body = raw.subarray(at);
    at += body.length;
    out.push({ version: m[1]!, status, reason: m[3]!, headerList, body, header });
  }
  return out;
}

/** One request, answered and closed: `method target HTTP/1.1` with `headers`, the response parsed. */
export async function request(
  port: number,
  target: string,
  { method = "GET", headers = {} as Record<string, string> } = {},
): Promise<RawResponse> {
  let head = `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  const raw = await exchangeRaw(port, Buffer.from(head + "\r\n", "latin1"));
  const responses = parseResponses(raw, () => method === "HEAD");
  if (responses.length !== 1) throw new Error(`expected one response, got ${responses.length}`);
  return responses[0]!;
}
