// Why a target of REPORT.md's Targets table is missed, in one line a reader understands, with the
// section of bench/NOTES.md where it was measured. The reasons are what the measurements in
// NOTES.md found; any figure in them is computed from the run's JSON (the tokenizer's times), none
// is typed here. A target whose per-round ratios fall on both sides of its limit is said to be on
// the line, from its own note. Used by bench/report.ts.

import type { Target } from "./result.js";
import { fmt } from "./svg.js";

/** ns per request of a tokenizer row (case, backend, mode), if the run has it. */
type TokenizerTime = (c: string, backend: string, mode?: string) => number | undefined;

interface Reason {
  /** Which targets (by name) it explains. */
  match: RegExp;
  /** The sentence; `limit` is the target's limit (the first number of its `target`). */
  why: (t: Target, limit: number | undefined, tok: TokenizerTime) => string;
  /** Heading of the bench/NOTES.md section where this was measured, without the #s. */
  notes?: string;
}

const FIREFOX = "firefox-703B";

/** The twin (TypeScript) against a reference parser: the scan alone against what the limit allows. */
function twinAgainst(reference: string, name: string) {
  return (_t: Target, limit: number | undefined, tok: TokenizerTime): string => {
    const ref = tok(FIREFOX, reference);
    const full = tok(FIREFOX, "js");
    const scan = tok(FIREFOX, "js", "kernel");
    if (limit === undefined || ref === undefined || full === undefined || scan === undefined) {
      return `The TypeScript scan and the strings a server needs take more than ${name}'s time allows.`;
    }
    const allowed = limit * ref;
    return scan >= allowed
      ? `The limit allows ${fmt(allowed)} ns for the whole parse; the TypeScript scan alone takes ${fmt(scan)} ns, before any string is made.`
      : `The limit allows ${fmt(allowed)} ns for the whole parse; the TypeScript scan takes ${fmt(scan)} ns, leaving ${fmt(allowed - scan)} ns for making the strings a server needs, which take ${fmt(full - scan)}.`;
  };
}

export const REASONS: Reason[] = [
  {
    match: /full path: wasm-\w+ \/ llhttp/,
    why: (t, limit, tok) => {
      const w = /full path: (wasm-\w+)/.exec(t.name)?.[1];
      const full = w ? tok(FIREFOX, w) : undefined;
      const copyScan = w ? tok(FIREFOX, w, "copy+scan") : undefined;
      const ll = tok(FIREFOX, "llhttp");
      if (limit === undefined || full === undefined || copyScan === undefined || ll === undefined) {
        return "Copying the request into WebAssembly memory and making the JavaScript strings a server needs cost more than the limit leaves.";
      }
      return `The limit allows ${fmt(limit * ll)} ns; copying the request into WebAssembly memory and scanning it take ${fmt(copyScan)} ns, and making the JavaScript strings a server needs (method, target, version, every field) ${fmt(full - copyScan)} ns more, a cost every parser that hands strings to JavaScript pays.`;
    },
    notes: "2026-12-01 (session 5): the Firefox full path, the kernel walked on control-byte masks (issue 9)",
  },
  { match: /full path: twin \/ llhttp/, why: twinAgainst("llhttp", "llhttp") },
  { match: /full path: twin \/ http-parser-js/, why: twinAgainst("http-parser-js", "http-parser-js") },
  {
    match: /^1 KB, CLI default .*raw node:net/,
    why: () =>
      "With HTTP/1.0 every request is a new connection: where the raw server writes a fixed answer, basehttp runs an HTTP server's JavaScript per connection (socket, stream and handler objects, the request parsed, the answer built) and logs the request to a file; the file path itself is a small share.",
    notes: "2026-12-01: static files (issue 8), where a request's time goes",
  },
  {
    match: /connection per request.*raw node:net/,
    why: () =>
      "A raw node:net server writes a fixed answer and nothing else; basehttp adds, per connection, an HTTP server's JavaScript (socket, stream and handler objects, the request parsed, the answer built), while the write and close system calls that take most of the time are the same for both.",
    notes: "2026-12-01, session 5: what one connection costs, accept to close (issue 6), conn",
  },
  {
    match: /garbage flood.*p99/,
    why: () =>
      "One run is not enough for this figure: node:http's p99 moves from run to run while basehttp's holds still, so single runs of unchanged code read either side of the limit; read as the median of several flood-only runs, as the project reads a noisy figure, it is met (the runs are in the linked section). A trace of every measured request (npm run bench:flood-trace) shows where the slowest 1 % wait, for node:http and basehttp alike: in the kernel's run queues, the client's after the answer is written as much as the server's before it reads; basehttp's CPU and allocation per garbage connection are no more than node:http's.",
    notes: "2026-12-03, session 14: the two open targets read as medians of several runs (03:12-03:29 UTC, no helper running)",
  },
  {
    match: /keep-alive.*CPU.*per request/,
    why: () =>
      "Most of a keep-alive request's server CPU is the system call that writes the answer, which node:http and basehttp both make once per response, so the ratio cannot fall much further; none of basehttp's own functions takes more than a few percent.",
    notes: "2026-12-01, session 5: keep-alive CPU per request (issue 6), ka",
  },
  {
    match: /upload.*chunked.*time/,
    why: () =>
      "basehttp's own CPU is at node:http's level; the difference is kernel time: basehttp hands each socket read on without copying, so the kernel writes the body into fresh 1 MiB buffers whose memory pages are new (page faults), where node:http reuses one warm buffer.",
    notes: "2026-12-01, session 5: uploads (issue 6 item 4), where the gap to node:http is, body",
  },
];

/** GitHub's anchor of a heading: lower case, punctuation but hyphens dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, "").replace(/ /g, "-");
}

/** The per-round min and max a target's note gives ("per-round ratios 0.85-1.58", "median of 5 per-round ratios, 0.808-1.13"). */
function perRound(note: string | undefined): [number, number] | undefined {
  const m = /per-round ratios,? (\d[\d.]*)\s*[-–]\s*(\d[\d.]*)/.exec(note ?? "");
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** One line: why `t` (missed) is missed, with a link to its bench/NOTES.md section (from bench/results/REPORT.md). */
export function whyMissed(t: Target, tok: TokenizerTime): string {
  const limitMatch = /(\d[\d.]*)/.exec(t.target);
  const limit = limitMatch ? Number(limitMatch[1]) : undefined;
  const parts: string[] = [];
  const rounds = perRound(t.note);
  if (rounds && limit !== undefined && rounds[0] <= limit && limit <= rounds[1]) {
    parts.push(`On the line: in this run the per-round ratios (${fmt(rounds[0])} to ${fmt(rounds[1])}) fall on both sides of ${fmt(limit)}.`);
  }
  const reason = REASONS.find((r) => r.match.test(t.name));
  parts.push(reason ? reason.why(t, limit, tok) : "No reason recorded yet; see bench/NOTES.md.");
  if (reason?.notes) parts.push(`([bench/NOTES.md](../NOTES.md#${slug(reason.notes)}))`);
  return parts.join(" ");
}
