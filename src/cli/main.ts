#!/usr/bin/env node
// The `basehttp` command, the counterpart of `python -m http.server` (CPython 3.11's test() and
// __main__ block): serve a directory with SimpleHTTPRequestHandler (CGIHTTPRequestHandler with
// --cgi) on an HTTPServer (HTTPSServer with --tls-cert, as CPython 3.14), print the "Serving
// HTTP on ..." line, log requests on stderr, exit 0 on SIGINT/SIGTERM. A leaf: nothing imports
// it. `--workers N` runs N processes on node:cluster sharing the port.

import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { CGIHTTPRequestHandler } from "../http/cgi-handler.js";
import { HTTPSServer } from "../http/https-server.js";
import { HTTPServer } from "../http/server.js";
import { SimpleHTTPRequestHandler } from "../http/simple-handler.js";
import type { ParserName } from "../contract/tokenizer.js";

const USAGE = `usage: basehttp [-h] [--cgi] [-b ADDRESS] [-d DIRECTORY] [-p VERSION] [--parser {wasm,js}]
                [--workers N] [--tls-cert FILE] [--tls-key FILE] [--tls-password-file FILE] [port]`;

const HELP = `${USAGE}

positional arguments:
  port                  bind to this port (default: 8000)

options:
  -h, --help            show this help message and exit
  --cgi                 run as CGI server
  -b ADDRESS, --bind ADDRESS
                        bind to this address (default: all interfaces)
  -d DIRECTORY, --directory DIRECTORY
                        serve this directory (default: current directory)
  -p VERSION, --protocol VERSION
                        conform to this HTTP version (default: HTTP/1.0)
  --parser {wasm,js}    request-head tokenizer (default: wasm)
  --workers N           serve with N processes sharing the port (default: 1)
  --tls-cert FILE       serve HTTPS with this certificate chain (PEM; may hold the key too)
  --tls-key FILE        the private key of --tls-cert (PEM)
  --tls-password-file FILE
                        file holding the password of the TLS key
`;

/** Exit code of a command-line error, as Python's argparse. */
const EXIT_USAGE = 2;

/** Python's str.strip() whitespace. */
const PY_STRIP_START = /^[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const PY_STRIP_END = /[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;

interface Config {
  port: number;
  bind: string | undefined;
  directory: string;
  protocol: string;
  parser: ParserName;
  workers: number;
  cgi: boolean;
  tls: { certfile: string; keyfile: string | null; password: string | null } | null;
}

class UsageError extends Error {}

function parseConfig(argv: string[]): Config | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: "boolean", short: "h" },
      cgi: { type: "boolean" },
      bind: { type: "string", short: "b" },
      directory: { type: "string", short: "d" },
      protocol: { type: "string", short: "p" },
      parser: { type: "string" },
      workers: { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "tls-password-file": { type: "string" },
    },
  });
  if (values.help) return "help";
  if (positionals.length > 1) throw new UsageError(`unrecognized arguments: ${positionals.slice(1).join(" ")}`);
  let port = 8000;
  if (positionals.length === 1) {
    const p = positionals[0]!;
    if (!/^\s*[+-]?\d+\s*$/.test(p)) throw new UsageError(`argument port: invalid int value: '${p}'`);
    port = Number(p);
    if (port < 0 || port > 65535) throw new UsageError(`argument port: ${port} is not between 0 and 65535`);
  }
  const parser = values.parser ?? "wasm";
  if (parser !== "wasm" && parser !== "js") {
    throw new UsageError(`argument --parser: invalid choice: '${parser}' (choose from 'wasm', 'js')`);
  }
  let workers = 1;
  if (values.workers !== undefined) {
    if (!/^\d+$/.test(values.workers) || Number(values.workers) < 1) {
      throw new UsageError(`argument --workers: invalid positive int value: '${values.workers}'`);
    }
    workers = Number(values.workers);
  }
  const certfile = values["tls-cert"];
  if (!certfile && values["tls-key"]) throw new UsageError("--tls-key requires --tls-cert to be set");
  let password: string | null = null;
  const passwordFile = values["tls-password-file"];
  if (passwordFile) {
    if (!certfile) throw new UsageError("--tls-password-file requires --tls-cert to be set");
    try {
      // As CPython 3.14: the file's text, whitespace stripped at both ends.
      password = readFileSync(passwordFile, "utf8").replace(PY_STRIP_START, "").replace(PY_STRIP_END, "");
    } catch (error) {
      throw new UsageError(`Failed to read TLS password file: ${(error as Error).message}`);
    }
  }
  return {
    port,
    bind: values.bind,
    directory: resolve(values.directory ?? process.cwd()),
    protocol: values.protocol ?? "HTTP/1.0",
    parser,
    workers,
    cgi: values.cgi ?? false,
    tls: certfile
      ? { certfile: resolve(certfile), keyfile: values["tls-key"] ? resolve(values["tls-key"]) : null, password }
      : null,
  };
}

/** A handler class serving `config.directory` with the requested protocol version. */
function handlerFor(config: Config): typeof SimpleHTTPRequestHandler {
  const Base = config.cgi ? CGIHTTPRequestHandler : SimpleHTTPRequestHandler;
  const Handler = class extends Base {
    override directory = config.directory;
  };
  Handler.prototype.protocol_version = config.protocol;
  return Handler;
}

/** Bind as CPython's DualStackServer: all interfaces means IPv6 `::` with IPv4 mapped, else 0.0.0.0. */
async function bindServer(config: Config): Promise<HTTPServer> {
  const hosts = config.bind !== undefined ? [config.bind] : ["::", "0.0.0.0"];
  let lastError: unknown;
  for (const host of hosts) {
    const options = { parser: config.parser };
    const httpd = config.tls !== null
      ? new HTTPSServer([host, config.port], handlerFor(config), { ...options, ...config.tls })
      : new HTTPServer([host, config.port], handlerFor(config), options);
    try {
      await httpd.ready;
      return httpd;
    } catch (error) {
      lastError = error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EAFNOSUPPORT" && code !== "EADDRNOTAVAIL") break;
    }
  }
  throw lastError;
}

/** CPython 3.14's line: `Serving HTTPS on ... (https://...)` when serving TLS. */
function servingLine(host: string, port: number, tls: boolean): string {
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const protocol = tls ? "HTTPS" : "HTTP";
  return `Serving ${protocol} on ${host} port ${port} (${protocol.toLowerCase()}://${urlHost}:${port}/) ...`;
}

/** Milliseconds in-flight requests get after a stop signal before the process leaves anyway. */
const GRACE_MS = 1000;

/** Stop serving on SIGINT/SIGTERM and leave with code 0. */
function stopOnSignals(httpd: HTTPServer, announce: boolean): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(0);
    stopping = true;
    if (announce && signal === "SIGINT") process.stdout.write("\nKeyboard interrupt received, exiting.\n");
    setTimeout(() => process.exit(0), GRACE_MS).unref();
    void httpd.shutdown().finally(() => {
      httpd.server_close();
      process.exit(0);
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

async function serveOne(config: Config): Promise<void> {
  const httpd = await bindServer(config);
  const [host, port] = httpd.server_address;
  stopOnSignals(httpd, cluster.isPrimary);
  if (cluster.isPrimary) process.stdout.write(servingLine(host, port, config.tls !== null) + "\n");
  else process.send?.({ basehttp: "listening", host, port });
  await httpd.serve_forever();
}

/** The cluster primary: fork the workers, print the Serving line once, stop them on a signal. */
function runPrimary(config: Config): void {
  let announced = false;
  let stopping = false;
  const fork = () => cluster.fork();
  cluster.on("message", (_worker, message: { basehttp?: string; host?: string; port?: number }) => {
    if (message?.basehttp === "listening" && !announced) {
      announced = true;
      process.stdout.write(servingLine(message.host!, message.port!, config.tls !== null) + "\n");
    }
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (!announced) {
      process.stderr.write(`basehttp: worker ${worker.process.pid} exited (${signal ?? code}) before listening\n`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill("SIGTERM");
      process.exit(1);
    }
    process.stderr.write(`basehttp: worker ${worker.process.pid} exited (${signal ?? code}), starting another\n`);
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(0);
    stopping = true;
    if (signal === "SIGINT") process.stdout.write("\nKeyboard interrupt received, exiting.\n");
    for (const w of Object.values(cluster.workers ?? {})) w?.kill("SIGTERM");
    setTimeout(() => process.exit(0), GRACE_MS * 2).unref();
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  for (let i = 0; i < config.workers; i++) fork();
}

async function main(argv: string[]): Promise<void> {
  let config: Config | "help";
  try {
    config = parseConfig(argv);
  } catch (error) {
    process.stderr.write(`${USAGE}\nbasehttp: error: ${(error as Error).message}\n`);
    process.exit(EXIT_USAGE);
  }
  if (config === "help") {
    process.stdout.write(HELP);
    return;
  }
  if (config.workers > 1 && cluster.isPrimary) {
    runPrimary(config);
    return;
  }
  try {
    await serveOne(config);
  } catch (error) {
    process.stderr.write(`basehttp: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

void main(process.argv.slice(2));
