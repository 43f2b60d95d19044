// The CGI/1.1 environment (RFC 3875 §4.1) as CPython 3.11's CGIHTTPRequestHandler.run_cgi
// builds it, with the pieces of Python it relies on: str.split() on whitespace and
// base64.decodebytes (binascii.a2b_base64, non-strict) for `Authorization: Basic`.
// Pure functions; src/http/cgi-handler.ts gathers the request facts and spawns the script.

/** What the environment needs from the request headers (HTTPMessage provides it). */
interface CgiHeaders {
  get(name: string): string | undefined;
  get_all(name: string): string[] | undefined;
}

/** The request facts run_cgi has worked out before it builds the environment. */
interface CgiRequest {
  server_software: string;
  server_name: string;
  server_port: number;
  protocol_version: string;
  command: string;
  /** PATH_INFO, already unquoted. */
  path_info: string;
  /** translate_path(PATH_INFO). */
  path_translated: string;
  script_name: string;
  query_string: string;
  remote_addr: string;
  headers: CgiHeaders;
}

/** Python's str.isspace() characters: the separators of str.split() with no argument. */
const PY_WHITESPACE = /[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** `s.split()`: runs of whitespace separate, leading and trailing whitespace ignored. */
function pySplit(s: string): string[] {
  return s.split(PY_WHITESPACE).filter((part) => part !== "");
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;
const PAD = 0x3d;

/**
 * binascii.a2b_base64(data) in its default, non-strict mode (base64.decodebytes): bytes outside
 * the alphabet are skipped; a pad sequence completing a quantum ends the input; a partial
 * quantum left over is an error (null here, where Python raises binascii.Error).
 */
function a2bBase64(data: Uint8Array): Buffer | null {
  const out = Buffer.alloc(Math.floor((data.length * 3) / 4) + 3);
  let n = 0;
  let quad = 0;
  let left = 0;
  let pads = 0;
  for (const ch of data) {
    if (ch === PAD) {
      // Counted only once two characters of the quantum are in (CPython's short-circuit).
      if (quad >= 2 && quad + ++pads >= 4) return out.subarray(0, n);
      continue;
    }
    const v = B64_VALUE[ch]!;
    if (v < 0) continue;
    pads = 0;
    switch (quad) {
      case 0:
        left = v;
        quad = 1;
        break;
      case 1:
        out[n++] = (left << 2) | (v >> 4);
        left = v & 0x0f;
        quad = 2;
        break;
      case 2:
        out[n++] = (left << 4) | (v >> 2);
        left = v & 0x03;
        quad = 3;
        break;
      default:
        out[n++] = (left << 6) | v;
        quad = 0;
    }
  }
  return quad === 0 ? out.subarray(0, n) : null;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * AUTH_TYPE and REMOTE_USER from an Authorization value, as run_cgi reads it: two
 * whitespace-separated words give AUTH_TYPE; for `Basic`, credentials that decode (base64, then
 * ASCII) to exactly `user:password` give REMOTE_USER. The password is never passed on.
 */
function authorizationVariables(authorization: string | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  if (!authorization) return vars;
  const words = pySplit(authorization);
  if (words.length !== 2) return vars;
  vars["AUTH_TYPE"] = words[0]!;
  if (words[0]!.toLowerCase() !== "basic" || NON_ASCII.test(words[1]!)) return vars;
  const decoded = a2bBase64(Buffer.from(words[1]!, "latin1"));
  if (decoded === null || decoded.some((b) => b > 0x7f)) return vars;
  const userPass = decoded.toString("latin1").split(":");
  if (userPass.length === 2) vars["REMOTE_USER"] = userPass[0]!;
  return vars;
}

/** Variables run_cgi sets only when the request has them: removed from the inherited environment. */
const REQUEST_ONLY = ["AUTH_TYPE", "REMOTE_USER", "REMOTE_IDENT"];
/** Variables CPython means to override with "" when the request has none (its comment says so). */
const EMPTY_DEFAULTS = ["QUERY_STRING", "REMOTE_HOST", "CONTENT_LENGTH", "HTTP_USER_AGENT", "HTTP_COOKIE", "HTTP_REFERER"];

/**
 * The script's environment: the server's own environment, then the CGI meta-variables of the
 * request. CPython 3.11 fills the six variables of EMPTY_DEFAULTS with `setdefault`, which keeps a
 * value the server process happens to have (its comment says it means to override them), and
 * leaves AUTH_TYPE / REMOTE_USER of the server's environment in place; here they are always
 * the request's own (a script must not see another identity than the client's).
 */
export function cgiEnvironment(req: CgiRequest, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  for (const key of [...REQUEST_ONLY, ...EMPTY_DEFAULTS]) delete env[key];
  env["SERVER_SOFTWARE"] = req.server_software;
  env["SERVER_NAME"] = req.server_name;
  env["GATEWAY_INTERFACE"] = "CGI/1.1";
  env["SERVER_PROTOCOL"] = req.protocol_version;
  env["SERVER_PORT"] = String(req.server_port);
  env["REQUEST_METHOD"] = req.command;
  env["PATH_INFO"] = req.path_info;
  env["PATH_TRANSLATED"] = req.path_translated;
  env["SCRIPT_NAME"] = req.script_name;
  env["QUERY_STRING"] = req.query_string;
  env["REMOTE_ADDR"] = req.remote_addr;
  const headers = req.headers;
  Object.assign(env, authorizationVariables(headers.get("authorization")));
  // email.message's get_content_type() answers text/plain for a message without Content-Type.
  env["CONTENT_TYPE"] = headers.get("content-type") ?? "text/plain";
  const length = headers.get("content-length");
  if (length) env["CONTENT_LENGTH"] = length;
  const referer = headers.get("referer");
  if (referer) env["HTTP_REFERER"] = referer;
  env["HTTP_ACCEPT"] = (headers.get_all("accept") ?? []).join(",");
  const ua = headers.get("user-agent");
  if (ua) env["HTTP_USER_AGENT"] = ua;
  const cookie = (headers.get_all("cookie") ?? []).filter((c) => c !== "").join(", ");
  if (cookie) env["HTTP_COOKIE"] = cookie;
  for (const key of EMPTY_DEFAULTS) env[key] ??= "";
  return env;
}
