// CGIHTTPRequestHandler (Lib/http/server.py, CPython 3.11): SimpleHTTPRequestHandler that runs
// the scripts under cgi_directories for GET, HEAD and POST. Path matching and the environment
// are in src/http/cgi/collapse.ts and environ.ts, the child process in src/http/cgi/run-script.ts;
// this file keeps CPython's method names and steps (is_cgi, run_cgi and the checks before it).

import { access } from "node:fs/promises";
import { constants } from "node:fs";
import { extname } from "node:path";
import { cgiEnvironment } from "./cgi/environ.js";
import { IndexError, splitCgiPath } from "./cgi/collapse.js";
import { runScript } from "./cgi/run-script.js";
import { pyRepr } from "../py/format.js";
import { SimpleHTTPRequestHandler, type ResponseSource } from "./simple-handler.js";
import { locate, toFsPath } from "./simple/files.js";
import { unquote } from "./simple/url-path.js";
import { HTTPStatus } from "./status.js";

/**
 * Complete HTTP server with GET, HEAD and POST commands: SimpleHTTPRequestHandler, except that
 * a path under one of `cgi_directories` (after unquoting and collapsing `.`, `..` and `//`)
 * runs the script it names (RFC 3875 CGI/1.1) and answers `200 Script output follows`
 * followed by whatever the script writes. POST is only for CGI scripts (501 otherwise).
 *
 * Scripts are run by child_process.spawn, never through a shell; `.py`/`.pyw` scripts by
 * `python_executable -u`. The script's stdin is the request body; the connection closes after
 * the script's output (its length is unknown). A client found gone (the connection closed or
 * reset, which a script's next output reveals) kills the script and its process group, and so
 * does `cgi_timeout` when set.
 *
 * Class variables (overridable by a subclass field or on the prototype): `cgi_directories`,
 * `have_fork` (POSIX: every script, Python ones included, must be executable, as CPython on a
 * system with fork), `python_executable`, `cgi_timeout`.
 * May be overridden: `is_cgi`, `is_executable`, `is_python`, `run_cgi`.
 */
export class CGIHTTPRequestHandler extends SimpleHTTPRequestHandler {
  declare cgi_directories: string[];
  declare have_fork: boolean;
  declare python_executable: string;
  declare cgi_timeout: number | null;
  static {
    const p = this.prototype;
    p.cgi_directories = ["/cgi-bin", "/htbin"];
    p.have_fork = process.platform !== "win32";
    p.python_executable = process.platform === "win32" ? "python" : "python3";
    p.cgi_timeout = null;
  }

  /** `[dir, rest]` of the last path is_cgi() accepted. */
  cgi_info: [dir: string, rest: string] = ["", ""];

  /** Serve a POST request: only CGI scripts take it. */
  override async do_POST(): Promise<void> {
    const cgi = this.#checkCgi();
    if (cgi === null) return;
    if (cgi) await this.run_cgi();
    else this.send_error(HTTPStatus.NOT_IMPLEMENTED, "Can only POST to CGI scripts");
  }

  /** send_head that runs CGI scripts; anything else as SimpleHTTPRequestHandler. */
  override async send_head(): Promise<ResponseSource | null> {
    const cgi = this.#checkCgi();
    if (cgi === null) return null;
    if (cgi) {
      await this.run_cgi();
      return null;
    }
    return super.send_head();
  }

  /**
   * is_cgi(), with a path that climbs above the root answered 400 (CPython lets the
   * IndexError escape, and the connection drops without an answer). Null when answered.
   */
  #checkCgi(): boolean | null {
    try {
      return this.is_cgi();
    } catch (error) {
      if (!(error instanceof IndexError)) throw error;
      this.send_error(HTTPStatus.BAD_REQUEST, "Bad request path");
      return null;
    }
  }

  /**
   * Whether `path` names a CGI script: its collapsed form starts with one of `cgi_directories`
   * followed by `/`. If so, `cgi_info` becomes `[dir, rest]`. Throws IndexError for a path
   * with more `..` than components (the caller should treat the path as invalid).
   */
  is_cgi(): boolean {
    const found = splitCgiPath(this.path, this.cgi_directories);
    if (found === null) return false;
    this.cgi_info = found;
    return true;
  }

  /** Whether `path` is an executable file (os.access X_OK). */
  async is_executable(path: string): Promise<boolean> {
    const fsPath = toFsPath(path);
    if (fsPath === null) return false;
    return access(fsPath, constants.X_OK).then(() => true, () => false);
  }

  /** Whether `path` is a Python script (`.py` or `.pyw`). */
  is_python(path: string): boolean {
    const ext = extname(path).toLowerCase();
    return ext === ".py" || ext === ".pyw";
  }

  /** Whether `path` (from translate_path) is a directory inside `directory`. */
  async #isDir(path: string): Promise<boolean> {
    const found = await locate(path, this.directory);
    return found !== null && found.stats.isDirectory();
  }

  /** Execute the CGI script `cgi_info` names. */
  async run_cgi(): Promise<void> {
    let [dir, rest] = this.cgi_info;
    const path = dir + "/" + rest;
    // The script may sit in a subdirectory of the CGI directory (CPython issue 21323).
    let i = path.indexOf("/", dir.length + 1);
    while (i >= 0) {
      const nextdir = path.slice(0, i);
      if (!(await this.#isDir(this.translate_path(nextdir)))) break;
      dir = nextdir;
      rest = path.slice(i + 1);
      i = path.indexOf("/", dir.length + 1);
    }
    const q = rest.indexOf("?");
    const query = q >= 0 ? rest.slice(q + 1) : "";
    if (q >= 0) rest = rest.slice(0, q);
    // What follows the script name is PATH_INFO.
    const slash = rest.indexOf("/");
    const script = slash >= 0 ? rest.slice(0, slash) : rest;
    rest = slash >= 0 ? rest.slice(slash) : "";

    const scriptname = dir + "/" + script;
    const scriptfile = this.translate_path(scriptname);
    const found = await locate(scriptfile, this.directory);
    if (found === null || typeof toFsPath(scriptfile) !== "string") {
      this.send_error(HTTPStatus.NOT_FOUND, `No such CGI script (${pyRepr(scriptname)})`);
      return;
    }
    if (!found.stats.isFile()) {
      this.send_error(HTTPStatus.FORBIDDEN, `CGI script is not a plain file (${pyRepr(scriptname)})`);
      return;
    }
    const ispy = this.is_python(scriptname);
    if (this.have_fork || !ispy) {
      if (!(await this.is_executable(scriptfile))) {
        this.send_error(HTTPStatus.FORBIDDEN, `CGI script is not executable (${pyRepr(scriptname)})`);
        return;
      }
    }

    const uqrest = unquote(rest);
    const env = cgiEnvironment({
      server_software: this.version_string(),
      server_name: this.server.server_name,
      server_port: this.server.server_port,
      protocol_version: this.protocol_version,
      command: this.command!,
      path_info: uqrest,
      path_translated: this.translate_path(uqrest),
      script_name: scriptname,
      query_string: query,
      remote_addr: String(this.client_address[0]),
      headers: this.headers,
    });

    this.send_response(HTTPStatus.OK, "Script output follows");
    // The script's output has no length: only the end of the connection delimits it (RFC 9112 §6.3).
    this.close_connection = true;
    const flushed = this.flush_headers();
    if (flushed !== undefined) await flushed;

    // An ISINDEX-style query (no "=") is also the script's argument, '+' read as a space.
    const decodedQuery = query.replace(/\+/g, " ");
    const args = decodedQuery.includes("=") ? [] : [decodedQuery];
    const wfile = this.wfile;
    const result = await runScript({
      command: ispy ? this.python_executable : scriptfile,
      args: ispy ? ["-u", scriptfile, ...args] : args,
      ...(ispy ? {} : { argv0: script }),
      env,
      body: this.rfile,
      output: (chunk) => wfile.write(chunk),
      connection: this.connection,
      timeout: this.cgi_timeout,
    });

    if (result.spawnError !== null) this.log_error("CGI script could not be run: %s", result.spawnError.message);
    for (const line of result.stderr.toString("utf8").split("\n")) {
      if (line !== "") this.log_error("%s", line);
    }
    if (result.killed === "timeout") this.log_error("CGI script timed out after %s seconds", String(this.cgi_timeout));
    if (result.status) this.log_error("CGI script exit status %#x", result.status);
    else this.log_message("CGI script exited OK");
    if (result.bodyError !== null && result.killed === "body") throw result.bodyError;
  }
}
