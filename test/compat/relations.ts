// What the compat suite expects of each request: the same bytes as CPython 3.11 (after
// neutralise()), or a difference that docs/API.md names — quoted verbatim in CLAUSES, so a test
// can find each quote there — together with a check of what basehttp does instead.

import { expect } from "vitest";

/** One side's answer: the raw bytes and their neutralised ISO-8859-1 text. */
export interface Answer {
  raw: Buffer;
  text: string;
}

export type Relation =
  | { kind: "same" }
  | { kind: "differs"; clause: readonly string[]; check(cpython: Answer, basehttp: Answer): void };

export const SAME: Relation = { kind: "same" };

/** Quotes from docs/API.md; every difference names one of these (each string must occur there). */
export const CLAUSES = {
  versionStatusLine: ["Version errors (400, 505) go out with a status line and headers"],
  http09: ["HTTP/0.9 `GET /path` is answered at once, body only, without waiting for headers"],
  splitSpHtab: ["the request line is split on runs of SP and HTAB"],
  trimValues: ["header values lose leading and trailing SP/HTAB (RFC 9110 §5.5)"],
  emptyLines: ["Up to 8 empty lines (CRLF) before a request line are skipped (RFC 9112 §2.2)"],
  unreadBody: ["A request body the handler did not read is discarded before the next request"],
  handlerThrows: ["a handler that throws before sending anything gets a 500 answer, the error goes to `handle_error`"],
  sendHeaderRefuses: [
    "`send_header` refuses CR, LF and NUL in names and values (it throws)",
    "a handler that throws before sending anything gets a 500 answer",
  ],
  staticExtras: ["Beyond CPython, as the popular Node static servers do: `Range` (206 / 416), `ETag` with `If-None-Match`"],
  noEscape: ["Beyond CPython", "symlinks and `%00` never escaping or crashing"],
  smuggling: (rule: string): string[] => ["Request-smuggling inputs are answered 400 and the connection is closed", rule],
} as const;

/** One response of an answer: the status line (null for an HTTP/0.9 body-only answer). */
interface Part {
  statusLine: string | null;
  head: string;
  body: string;
  header(name: string): string | undefined;
}

/** Split a neutralised answer into responses (bodies by Content-Length; none for 1xx/204/304). */
export function parts(text: string, noBody = false): Part[] {
  const out: Part[] = [];
  let at = 0;
  while (at < text.length) {
    if (!text.startsWith("HTTP/", at)) {
      out.push({ statusLine: null, head: "", body: text.slice(at), header: () => undefined });
      break;
    }
    const end = text.indexOf("\r\n\r\n", at);
    if (end < 0) throw new Error(`incomplete head in ${JSON.stringify(text.slice(at))}`);
    const head = text.slice(at, end + 4);
    const lines = head.split("\r\n");
    const header = (name: string): string | undefined => {
      const line = lines.find((l) => l.toLowerCase().startsWith(name.toLowerCase() + ":"));
      return line?.slice(name.length + 1).trim();
    };
    const status = Number(lines[0]!.split(" ")[1]);
    const length = noBody || status < 200 || status === 204 || status === 304 ? 0 : Number(header("Content-Length") ?? text.length);
    const body = text.slice(end + 4, end + 4 + length);
    out.push({ statusLine: lines[0]!, head, body, header });
    at = end + 4 + body.length;
  }
  return out;
}

// ---- relations for the request-line and header rules -------------------------------------

/** CPython sends the error page alone; basehttp sends the same page after a status line. */
export function versionError(statusLine: string): Relation {
  return {
    kind: "differs",
    clause: CLAUSES.versionStatusLine,
    check(cpython, basehttp) {
      expect(cpython.text.startsWith("HTTP/")).toBe(false);
      const [p, ...rest] = parts(basehttp.text);
      expect(rest).toHaveLength(0);
      expect(p!.statusLine).toBe(statusLine);
      expect(p!.header("Connection")).toBe("close");
      expect(p!.header("Content-Length")).toBe(String(cpython.raw.length));
      expect(p!.body).toBe(cpython.text);
    },
  };
}

/** basehttp refuses the head with `400 reason` and closes; `cpython` says what CPython did. */
export function refused(rule: string, reason: string, cpython: (answer: Answer) => void, version = "HTTP/1.0"): Relation {
  return {
    kind: "differs",
    clause: CLAUSES.smuggling(rule),
    check(py, basehttp) {
      cpython(py);
      const p = parts(basehttp.text);
      expect(p.map((x) => x.statusLine)).toEqual([`${version} 400 ${reason}`]);
      expect(p[0]!.header("Connection")).toBe("close");
      expect(p[0]!.body).toContain(`<p>Message: ${reason}.</p>`);
    },
  };
}

/** CPython answered nothing (its handler raised and the connection was closed). */
export function nothing(answer: Answer): void {
  expect(answer.text).toBe("");
}

/** CPython answered 200 (once per request), its echo holding `line`. */
export function echoed(line: string, responses = 1): (answer: Answer) => void {
  return (answer) => {
    const p = parts(answer.text);
    expect(p.map((x) => x.statusLine?.slice(9, 12))).toEqual(Array(responses).fill("200"));
    expect(p[0]!.body.split("\n")).toContain(line);
  };
}

/** The answers differ only in echo lines: basehttp's equal CPython's with `from` → `to`
 * (Content-Length adjusted), and basehttp sends `extra` responses more (negative: fewer). */
export function trimmed(from: string, to: string, extra = 0, clause: readonly string[] = CLAUSES.trimValues): Relation {
  return {
    kind: "differs",
    clause,
    check(cpython, basehttp) {
      const py = parts(cpython.text);
      const bh = parts(basehttp.text);
      expect(bh.length - py.length).toBe(extra);
      expect(py[0]!.body).toContain(from + "\n");
      const count = Math.min(py.length, bh.length);
      for (let i = 0; i < count; i++) {
        const body = py[i]!.body.split(from + "\n").join(to + "\n");
        const head = py[i]!.head.replace(/^Content-Length: \d+$/m, `Content-Length: ${Buffer.byteLength(body, "latin1")}`);
        expect(bh[i]!.head + bh[i]!.body).toBe(head + body);
      }
    },
  };
}

/** basehttp answers `500 Internal Server Error` where CPython's handler raised and sent nothing
 * (the default `cpython` check) or sent what it should not have. */
export function failedHandler(clause: readonly string[], cpython: (answer: Answer) => void = nothing): Relation {
  return {
    kind: "differs",
    clause,
    check(py, basehttp) {
      cpython(py);
      const p = parts(basehttp.text);
      expect(p.map((x) => x.statusLine)).toEqual(["HTTP/1.0 500 Internal Server Error"]);
      expect(p[0]!.body).toContain("<p>Error code: 500</p>");
    },
  };
}

// ---- relations for SimpleHTTPRequestHandler ----------------------------------------------

/** The header lines basehttp adds to a file's answer (API.md): its ETag and Accept-Ranges. */
export const EXTRAS = /^(?:ETag: "[0-9a-f]+-[0-9a-f]+"|Accept-Ranges: bytes)\r\n/gm;

/** The same answer except for the validators basehttp adds: an ETag on every 200/304 for a
 * file, and `Accept-Ranges: bytes` on every 200. */
export function withValidators(noBody = false): Relation {
  return {
    kind: "differs",
    clause: CLAUSES.staticExtras,
    check(cpython, basehttp) {
      expect(basehttp.text.replace(EXTRAS, "")).toBe(cpython.text);
      const files = parts(basehttp.text, noBody).filter((p) => /^Last-Modified:|^HTTP\/1\.\d 304/m.test(p.head));
      expect(files.length).toBeGreaterThan(0);
      for (const p of files) {
        expect(p.header("ETag")).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
        if (p.statusLine!.includes(" 200 ")) expect(p.header("Accept-Ranges")).toBe("bytes");
      }
    },
  };
}

/** basehttp answers `404 File not found` where CPython serves `cpython` (or crashes). */
export function notEscaping(cpython: (answer: Answer) => void): Relation {
  return {
    kind: "differs",
    clause: CLAUSES.noEscape,
    check(py, basehttp) {
      cpython(py);
      const p = parts(basehttp.text);
      expect(p.map((x) => x.statusLine)).toEqual(["HTTP/1.0 404 File not found"]);
    },
  };
}

/** A custom difference under `clause`. */
export function differs(clause: readonly string[], check: (cpython: Answer, basehttp: Answer) => void): Relation {
  return { kind: "differs", clause, check };
}
