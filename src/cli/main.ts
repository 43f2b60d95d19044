#!/usr/bin/env node
// The `basehttp` command, the counterpart of `python -m http.server` (CPython 3.11's test() and
// __main__ block): serve a directory with SimpleHTTPRequestHandler (CGIHTTPRequestHandler with
// --cgi) on an HTTPServer (HTTPSServer with --tls-cert, as CPython 3.14), print the "Serving
// HTTP on ..." line, log requests on stderr, exit 0 on SIGINT/SIGTERM. A leaf: nothing imports
// it. `--workers N` runs N processes on node:cluster sharing the port.

import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { CGIHTTPRequestHandler } from "../http/cgi-handler.js";
import { HTTPSServer } from "../http/https-server.js";
import { HTTPServer } from "../http/server.js";
import { SimpleHTTPRequestHandler } from "../http/simple-handler.js";
import { allInterfaces, bindErrorMessage, servingLine, urlsLine } from "./banner.js";
import { EXIT_USAGE, HELP, USAGE, parseConfig, type Config } from "./options.js";
import { logLine } from "./log.js";
import { colorWanted, webHandler } from "./web-handler.js";
import { escapeControl, percentFormat } from "../py/format.js";

/** The format of BaseHTTPRequestHandler.log_request. */
const REQUEST_FORMAT = '"%s" %s %s';

/** A handler class serving `config.directory` with the requested protocol version and options. */
function handlerFor(config: Config): typeof SimpleHTTPRequestHandler {
  const Base = config.cgi ? CGIHTTPRequestHandler : SimpleHTTPRequestHandler;
  const web = {
    cors: config.cors, cacheControl: config.cacheControl, spa: config.spa,
    precompressed: config.precompressed, quiet: config.quiet, color: colorWanted(process.stderr, process.env),
  };
  const plain = !web.cors && web.cacheControl === null && !web.spa && !web.precompressed && !web.quiet && !web.color;
  const Handler = class extends (plain ? Base : webHandler(Base, web, config.cgi ? "GET, HEAD, POST, OPTIONS" : "GET, HEAD, OPTIONS")) {
    override directory = config.directory;

    /** CPython's line (BaseHTTPRequestHandler.log_message), written with others every few ms (log.ts). */
    override log_message(format: string, ...args: unknown[]): void {
      if (web.quiet) return;
      // log_request's format with its three strings: "%s" of a str is the str itself.
      const [a, b, c] = args;
      const message = format === REQUEST_FORMAT && args.length === 3 && typeof a === "string" && typeof b === "string" && typeof c === "string"
        ? `"${a}" ${b} ${c}`
        : percentFormat(format, args);
      logLine(`${this.address_string()} - - [${this.log_date_time_string()}] ${escapeControl(message)}\n`);
    }
  };
  Handler.prototype.protocol_version = config.protocol;
  // CPython's http.server leaves Nagle's algorithm on. With HTTP/1.0 every answer ends its
  // connection, and end() pushes whatever Nagle holds: TCP_NODELAY would only cost a system
  // call per connection. (Kept for CGI, whose scripts write as they go.)
  if (config.protocol === "HTTP/1.0" && !config.cgi) Handler.prototype.disable_nagle_algorithm = false;
  if (Object.keys(config.mimetypes).length > 0) {
    Handler.prototype.extensions_map = { ...Base.prototype.extensions_map, ...config.mimetypes };
  }
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
  throw new BindError(bindErrorMessage(lastError, hosts[0]!, config.port));
}

class BindError extends Error {}

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

/** The Serving line, and the URLs line when bound to all interfaces (not with -q). */
function announce(config: Config, host: string, port: number): void {
  let text = servingLine(host, port, config.tls !== null) + "\n";
  if (!config.quiet && allInterfaces(host)) text += urlsLine(host, port, config.tls !== null) + "\n";
  process.stdout.write(text);
}

async function serveOne(config: Config): Promise<void> {
  const httpd = await bindServer(config);
  const [host, port] = httpd.server_address;
  stopOnSignals(httpd, cluster.isPrimary);
  if (cluster.isPrimary) announce(config, host, port);
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
      announce(config, message.host!, message.port!);
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
  let config: Config | "help" | "version";
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
  if (config === "version") {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    process.stdout.write(`basehttp ${pkg.version}\n`);
    return;
  }
  if (config.workers > 1 && cluster.isPrimary) {
    runPrimary(config);
    return;
  }
  try {
    await serveOne(config);
  } catch (error) {
    process.stderr.write(`basehttp: ${error instanceof BindError ? "error: " : ""}${(error as Error).message}\n`);
    process.exit(1);
  }
}

void main(process.argv.slice(2));
