// What fuzz/server-child.ts and the fuzzer (fuzz/harness.ts) say to each other over IPC, and the
// time limits every server under the fuzzer runs with.

/** Time limits of every server under the fuzzer, short so a held connection shows fast. */
export const HEAD_TIMEOUT_S = 2;
export const KEEP_ALIVE_TIMEOUT_S = 1;
/** The echo handler's `timeout` (socket idle limit while it reads a body). */
export const BODY_IDLE_TIMEOUT_S = 3;

export interface EchoRecord {
  /** The X-Client field a front end (nginx, test/nginx/) adds: its client's address:port. */
  client: string;
  /** The client's address and port: which fuzzer connection the request came on. */
  host: string;
  port: number;
  method: string;
  target: string;
  version: string;
  /** The body as the handler read it, base64. */
  body: string;
  /** node:http parsed the request whole, but the handler never saw its end (the connection
   * died first): the body may be short, and is not compared. */
  partial?: true;
  /** The request line as the handler saw it (basehttp's requestline; "" from node:http). */
  line: string;
  /** Header fields as received (names and values), for classifying a difference. */
  headers: [string, string][];
}

export type ChildMessage =
  | { type: "ready"; port: number }
  | { type: "rec"; rec: EchoRecord }
  | { type: "sync"; id: number; heapUsed: number; rss: number; errors: string[] };
