// The `basehttp` command line: CPython 3.11's http.server options (port, -b, -d, -p, --cgi),
// basehttp's own (--parser, --workers, --tls-*), and the opt-in ones for web developers (--cors,
// -q, --version, --cache/--no-cache, --spa, --precompressed, --mimetypes). Errors are argparse's:
// usage, then `basehttp: error: ...`, exit 2. Read by src/cli/main.ts.

import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ParserName } from "../contract/tokenizer.js";
import { readMimeTypes } from "../http/simple/guess-type.js";

export const USAGE = `usage: basehttp [-h] [--version] [--cgi] [-b ADDRESS] [-d DIRECTORY] [-p VERSION] [--parser {wasm,js}]
                [--workers N] [--tls-cert FILE] [--tls-key FILE] [--tls-password-file FILE]
                [-q] [--cors] [--cache SECONDS | --no-cache] [--spa] [--precompressed]
                [--mimetypes FILE] [port]`;

export const HELP = `${USAGE}

positional arguments:
  port                  bind to this port (default: 8000)

options:
  -h, --help            show this help message and exit
  --version             show the version of basehttp and exit
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

for web development (none of these is on by default):
  -q, --quiet           do not log requests (the Serving line is still printed)
  --cors                allow every origin (Access-Control-Allow-Origin: *) and answer
                        CORS preflight OPTIONS requests
  --cache SECONDS       send Cache-Control: max-age=SECONDS with files and listings
  --no-cache            send Cache-Control: no-cache (browsers revalidate every time)
  --spa                 answer a missing path without an extension with /index.html
  --precompressed       send FILE.br or FILE.gz in place of FILE when the client accepts
                        that encoding (Content-Encoding, Vary: Accept-Encoding)
  --mimetypes FILE      more types, in the format of /etc/mime.types ("type ext ext ...")

Coloured status codes in the log when stderr is a terminal (NO_COLOR turns them off).
`;

/** Exit code of a command-line error, as Python's argparse. */
export const EXIT_USAGE = 2;

/** Python's str.strip() whitespace. */
const PY_STRIP_START = /^[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
const PY_STRIP_END = /[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;

export interface Config {
  port: number;
  bind: string | undefined;
  directory: string;
  protocol: string;
  parser: ParserName;
  workers: number;
  cgi: boolean;
  tls: { certfile: string; keyfile: string | null; password: string | null } | null;
  quiet: boolean;
  cors: boolean;
  /** Cache-Control for files and listings, or null. */
  cacheControl: string | null;
  spa: boolean;
  precompressed: boolean;
  /** Extension → type from --mimetypes. */
  mimetypes: Record<string, string>;
}

class UsageError extends Error {}

/** The command line, as `python -m http.server`'s argparse parser declares it. */
const OPTIONS = {
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
  version: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  cors: { type: "boolean" },
  cache: { type: "string" },
  "no-cache": { type: "boolean" },
  spa: { type: "boolean" },
  precompressed: { type: "boolean" },
  mimetypes: { type: "string" },
} as const;

/** node:util's parseArgs error in argparse's words, as `python -m http.server` says it. */
function argparseMessage(error: Error & { code?: string }, argv: string[]): string {
  const option = /^(?:Unknown option|Option) '([^' ,]+)(?:, (--[^' ]+))?/.exec(error.message);
  if (option === null) return error.message;
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unrecognized arguments: ${option[1]}`;
  const name = option[2] === undefined ? option[1] : `${option[1]}/${option[2]}`;
  if (error.message.endsWith("argument missing")) return `argument ${name}: expected one argument`;
  if (error.message.endsWith("does not take an argument")) {
    const given = argv.find((arg) => arg.startsWith(`${option[1]}=`));
    return `argument ${name}: ignored explicit argument '${given?.slice(option[1]!.length + 1) ?? ""}'`;
  }
  return error.message;
}

export function parseConfig(argv: string[]): Config | "help" | "version" {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError(argparseMessage(error as Error, argv));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (values.version) return "version";
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
  const directory = resolve(values.directory ?? process.cwd());
  if (values.directory !== undefined && !isDirectory(directory)) {
    throw new UsageError(`argument -d/--directory: no such directory: '${values.directory}'`);
  }
  if (certfile && !values["tls-key"]) checkCertHoldsKey(certfile);
  return {
    port,
    bind: values.bind,
    directory,
    protocol: values.protocol ?? "HTTP/1.0",
    parser,
    workers,
    cgi: values.cgi ?? false,
    tls: certfile
      ? { certfile: resolve(certfile), keyfile: values["tls-key"] ? resolve(values["tls-key"]) : null, password }
      : null,
    quiet: values.quiet ?? false,
    cors: values.cors ?? false,
    cacheControl: cacheControl(values.cache, values["no-cache"] ?? false),
    spa: values.spa ?? false,
    precompressed: values.precompressed ?? false,
    mimetypes: values.mimetypes !== undefined ? mimetypesFile(values.mimetypes) : {},
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** --tls-cert without --tls-key: the certificate file must hold the key (PEM). */
function checkCertHoldsKey(certfile: string): void {
  let pem: string;
  try {
    pem = readFileSync(certfile, "latin1");
  } catch (error) {
    throw new UsageError(`argument --tls-cert: cannot read '${certfile}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new UsageError(`argument --tls-cert: '${certfile}' holds no private key; give the key with --tls-key FILE`);
  }
}

function cacheControl(seconds: string | undefined, noCache: boolean): string | null {
  if (seconds !== undefined && noCache) throw new UsageError("argument --no-cache: not allowed with argument --cache");
  if (noCache) return "no-cache";
  if (seconds === undefined) return null;
  if (!/^\d+$/.test(seconds)) throw new UsageError(`argument --cache: invalid number of seconds: '${seconds}'`);
  return `max-age=${Number(seconds)}`;
}

function mimetypesFile(file: string): Record<string, string> {
  try {
    return readMimeTypes(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`argument --mimetypes: cannot read '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

