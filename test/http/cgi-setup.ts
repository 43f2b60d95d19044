// Shared plumbing for the CGIHTTPRequestHandler tests: the directory tree of CPython's
// CGIHTTPServerTestCase plus the one of fixtures/gen-cgi.py, scripts written at test time
// (chmod 755, python ones run by `python3 -u`, shell ones by their #! line), and a server on
// 127.0.0.1 port 0 per parser backend whose handler logs into an array. Not a test file itself.

import { chmod, mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ParserName } from "../../src/contract/tokenizer.js";
import { CGIHTTPRequestHandler } from "../../src/http/cgi-handler.js";
import { percentFormat } from "../../src/py/format.js";
import { HTTPServer } from "../../src/http/server.js";

/** CPython's cgi_file1: headers, blank line, body. */
export const CGI_FILE1 = `#!/usr/bin/env python3

print("Content-type: text/html")
print()
print("Hello World")
`;

/** CPython's cgi_file2: reads CONTENT_LENGTH bytes of form data from stdin. */
const CGI_FILE2 = `#!/usr/bin/env python3
import os
import sys
import urllib.parse

print("Content-type: text/html")
print()

content_length = int(os.environ["CONTENT_LENGTH"])
query_string = sys.stdin.buffer.read(content_length)
params = {key.decode("utf-8"): val.decode("utf-8")
            for key, val in urllib.parse.parse_qsl(query_string)}

print("%s, %s, %s" % (params["spam"], params["eggs"], params["bacon"]))
`;

/** CPython's cgi_file4 for one variable. */
const cgiFile4 = (name: string) => `#!/usr/bin/env python3
import os

print("Content-type: text/html")
print()

print(os.environ["${name}"])
`;

/** CPython's cgi_file6: its own header line, then the environment. */
const CGI_FILE6 = `#!/usr/bin/env python3
import os

print("X-ambv: was here")
print("Content-type: text/html")
print()
print("<pre>")
for k, v in os.environ.items():
    try:
        k.encode('ascii')
        v.encode('ascii')
    except UnicodeEncodeError:
        continue  # see: BPO-44647
    print(f"{k}={v}")
print("</pre>")
`;

/** The CGI variables, as JSON (absent: null), and the script's arguments. */
export const CGI_KEYS = [
  "SERVER_SOFTWARE", "SERVER_NAME", "GATEWAY_INTERFACE", "SERVER_PROTOCOL", "SERVER_PORT",
  "REQUEST_METHOD", "PATH_INFO", "PATH_TRANSLATED", "SCRIPT_NAME", "QUERY_STRING", "REMOTE_HOST",
  "REMOTE_ADDR", "AUTH_TYPE", "REMOTE_USER", "CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_REFERER",
  "HTTP_ACCEPT", "HTTP_USER_AGENT", "HTTP_COOKIE",
];
export const ENV_SCRIPT = `#!/usr/bin/env python3
import json, os, sys
print("Content-type: application/json")
print()
keys = ${JSON.stringify(CGI_KEYS)}
print(json.dumps({"env": {k: os.environ.get(k) for k in keys}, "argv": sys.argv[1:],
                  "stdin": sys.stdin.read()}))
`;

/** Files written under the root: [path, content, mode]. */
const TREE: [string, string, number][] = [
  // CPython's setUp.
  ["nocgi.py", CGI_FILE1, 0o777],
  ["cgi-bin/file1.py", CGI_FILE1, 0o777],
  ["cgi-bin/file2.py", CGI_FILE2, 0o777],
  ["cgi-bin/child-dir/file3.py", CGI_FILE1, 0o777],
  ["cgi-bin/file4.py", cgiFile4("QUERY_STRING"), 0o777],
  ["sub/dir/cgi-bin/file5.py", CGI_FILE1, 0o777],
  ["cgi-bin/file6.py", CGI_FILE6, 0o777],
  // fixtures/gen-cgi.py's layout().
  ["cgi-bin/env.py", ENV_SCRIPT, 0o755],
  ["cgi-bin/sub/env.py", ENV_SCRIPT, 0o755],
  ["cgi-bin/sub/deeper/env.py", ENV_SCRIPT, 0o755],
  ["htbin/env.py", ENV_SCRIPT, 0o755],
  ["cgi-bin/noexec.py", CGI_FILE1, 0o644],
  ["cgi-bin/noexec.sh", "#!/bin/sh\necho\n", 0o644],
  ["nocgi.txt", "not a script\n", 0o644],
];

/** Write the tree under a new temporary directory; returns its real path. */
export async function makeTree(): Promise<string> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "basehttp-cgi-")));
  await mkdir(join(root, "cgi-bin/adir"), { recursive: true });
  for (const [path, content, mode] of TREE) await writeScript(root, path, content, mode);
  return root;
}

export async function writeScript(root: string, path: string, content: string, mode = 0o755): Promise<string> {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
  await chmod(full, mode);
  return full;
}

export async function removeTree(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

export interface CgiServer {
  httpd: HTTPServer;
  port: number;
  logs: string[];
  stop(): Promise<void>;
}

/** A CGIHTTPRequestHandler subclass serving `root` (CPython's NoLogRequestHandler, logging to `logs`). */
export function handlerFor(root: string, logs: string[], extra: Partial<CGIHTTPRequestHandler> = {}): typeof CGIHTTPRequestHandler {
  const Handler = class extends CGIHTTPRequestHandler {
    override directory = root;
    override log_message(format: string, ...args: unknown[]): void {
      logs.push(percentFormat(format, args));
    }
  };
  Object.assign(Handler.prototype, extra);
  return Handler;
}

export async function startCgiServer(
  root: string,
  parser: ParserName,
  extra: Partial<CGIHTTPRequestHandler> = {},
): Promise<CgiServer> {
  const logs: string[] = [];
  const httpd = new HTTPServer(["127.0.0.1", 0], handlerFor(root, logs, extra), { parser });
  await httpd.ready;
  const loop = httpd.serve_forever(0.05);
  return {
    httpd,
    port: httpd.server_port,
    logs,
    async stop() {
      await httpd.shutdown();
      httpd.server_close();
      await loop;
    },
  };
}

export interface CgiResponse {
  statusLine: string;
  status: number;
  /** Header lines of the whole head (ours end in CRLF, a script's may end in LF alone). */
  headers: [string, string][];
  header(name: string): string | undefined;
  body: Buffer;
}

/** Read a response whose head may mix CRLF and LF line ends (as http.client accepts) and
 * whose body runs to the end of the connection. */
export function parseCgiResponse(raw: Buffer): CgiResponse {
  const text = raw.toString("latin1");
  const m = /\r?\n\r?\n/.exec(text);
  if (m === null) throw new Error(`incomplete head: ${JSON.stringify(text)}`);
  const lines = text.slice(0, m.index).split(/\r?\n/);
  const statusLine = lines[0]!;
  const headers = lines.slice(1).map((l): [string, string] => {
    const colon = l.indexOf(":");
    return [l.slice(0, colon), l.slice(colon + 1).trim()];
  });
  return {
    statusLine,
    status: Number(statusLine.split(" ")[1]),
    headers,
    header: (name) => headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1],
    body: raw.subarray(m.index + m[0].length),
  };
}
