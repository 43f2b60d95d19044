// The tokenizer's case suite and differential test in runtime-neutral JavaScript (no node:
// import, no vitest, no fast-check), so the very same checks run under Node, Deno, Bun and in
// Chromium (main thread and a worker). It takes the two public entries (basehttp/tokenizer and
// basehttp/tokenizer/js, as module namespaces) and the cases written by fixtures-module.ts.
// Returns a plain object: failures (first 20), counts, and an FNV-1a digest of every token table
// each backend filled, which runtimes.test.ts holds equal across runtimes and backends.
// Plain .mjs rather than TypeScript: a browser loads it as it is.

/** Split positions, as test/tokenizer/cases.case.ts splitPoints. */
function splitPoints(input, headLimit) {
  const n = input.length;
  if (n <= 4096) return Array.from({ length: n + 1 }, (_, k) => k);
  const pts = new Set();
  for (let k = 0; k <= 16; k++) pts.add(k).add(n - k);
  let lines = 0;
  for (let i = input.indexOf(0x0a); i >= 0 && lines < 300; i = input.indexOf(0x0a, i + 1), lines++) {
    for (const d of [-1, 0, 1, 2]) pts.add(i + d);
  }
  for (const b of [65535, 65536, 65537, headLimit - 1, headLimit, headLimit + 1]) pts.add(b);
  let x = n;
  for (let k = 0; k < 24; k++) pts.add((x = (x * 1103515245 + 12345) % 2147483648) % (n + 1));
  return [...pts].filter((k) => k >= 0 && k <= n).sort((a, b) => a - b);
}

function bytesOf(latin1) {
  const out = new Uint8Array(latin1.length);
  for (let i = 0; i < latin1.length; i++) out[i] = latin1.charCodeAt(i);
  return out;
}

/** FNV-1a over 32-bit words. */
function fold(h, word) {
  for (let s = 0; s < 32; s += 8) h = Math.imul(h ^ ((word >>> s) & 0xff), 16777619) >>> 0;
  return h;
}

/** xorshift32: the differential test's inputs are the same in every runtime. */
function rng(seed) {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

export function runtimeName() {
  const g = globalThis;
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun) return `bun ${g.Bun.version}`;
  if (typeof g.window === "object" || typeof g.WorkerGlobalScope === "function") {
    const where = typeof g.window === "object" ? "main thread" : "worker";
    const m = /(Chrome|Chromium)\/([\d.]+)/.exec(g.navigator.userAgent);
    return `chromium ${m ? m[2] : g.navigator.userAgent} (${where})`;
  }
  return `node ${g.process.version}`;
}

/**
 * Run the suite. `wasm`, `js`: the namespaces of basehttp/tokenizer and basehttp/tokenizer/js
 * (WASM already initialised); `cases`: fixtures-module.ts's list.
 */
export function runSuite({ wasm, js, cases, differential = 2000, seed = 20261201 }) {
  const L = js;
  const used = (t) => L.T_HEADERS + Math.min(t[L.T_HEADER_COUNT], L.MAX_HEADERS) * L.HEADER_SLOTS;
  const backends = [];
  if (wasm.SIMD_SUPPORTED) backends.push(new wasm.WasmTokenizer("simd"));
  backends.push(new wasm.WasmTokenizer("scalar"), new js.JsTokenizer());
  const failures = [];
  let failureCount = 0;
  let checks = 0;
  const fail = (what) => {
    failureCount++;
    if (failures.length < 20) failures.push(what);
  };
  /** Slots of `t` that differ from `want` (resume slots skipped after a violation when asked). */
  const differs = (t, want, resumeMayDiffer) => {
    const n = Math.max(used(t), want.length);
    const skip = resumeMayDiffer && want[L.T_OUTCOME] === L.OUTCOME_VIOLATION;
    for (let i = 0; i < n; i++) {
      if (skip && (i === L.T_SCAN_POS || i === L.T_LINE_START)) continue;
      if ((t[i] ?? 0) !== (want[i] ?? 0)) return `slot ${i}: ${t[i]} vs ${want[i]}`;
    }
    return "";
  };

  const digests = {};
  const inputs = cases.map((c) => bytesOf(c.input));
  for (const tok of backends) {
    let h = 2166136261;
    cases.forEach((c, k) => {
      const input = inputs[k];
      const n = input.length;
      const t = L.newTable();
      tok.scan(input, 0, n, t, c.headLimit);
      checks++;
      if (t[L.T_OUTCOME] !== c.outcome) fail(`${tok.name} ${c.id}: outcome ${t[L.T_OUTCOME]}, fixture says ${c.outcome}`);
      if (c.violation && L.VIOLATION_NAMES[t[L.T_VIOLATION]] !== c.violation) {
        fail(`${tok.name} ${c.id}: violation ${L.VIOLATION_NAMES[t[L.T_VIOLATION]]}, fixture says ${c.violation}`);
      }
      const whole = differs(t, c.table, false);
      if (whole) fail(`${tok.name} ${c.id} whole: ${whole}`);
      for (let i = 0; i < used(t); i++) h = fold(h, t[i]);
      for (const cut of splitPoints(input, c.headLimit)) {
        const s = L.newTable();
        if (tok.scan(input, 0, cut, s, c.headLimit) === 0) tok.scan(input, 0, n, s, c.headLimit);
        checks++;
        const d = differs(s, c.table, true);
        if (d) fail(`${tok.name} ${c.id} split at ${cut}: ${d}`);
      }
      if (n <= 2048) {
        const s = L.newTable();
        let end = 0;
        while (tok.scan(input, 0, end, s, c.headLimit) === 0 && end < n) end++;
        checks++;
        const d = differs(s, c.table, true);
        if (d) fail(`${tok.name} ${c.id} byte at a time: ${d}`);
      }
    });
    digests[tok.name] = h.toString(16).padStart(8, "0");
  }

  // The decoded API: both entries give the same answer on every case, of the fixture's kind.
  cases.forEach((c, k) => {
    const a = wasm.parseRequestHead(inputs[k], { headLimit: c.headLimit });
    const b = js.parseRequestHead(inputs[k], { headLimit: c.headLimit });
    checks++;
    if (JSON.stringify(a) !== JSON.stringify(b)) fail(`parseRequestHead ${c.id}: wasm and js differ`);
    const kind = c.outcome > 0 ? "head" : c.outcome === 0 ? "need-more" : "violation";
    if (a.kind !== kind) fail(`parseRequestHead ${c.id}: ${a.kind}, fixture says ${kind}`);
  });

  return { runtime: runtimeName(), simd: wasm.SIMD_SUPPORTED, backends: backends.map((b) => b.name), cases: cases.length,
    checks, failureCount, failures, digests, differential: differentialTest(L, backends, differential, seed, differs, used, fail) };
}

const METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "get", "M-SEARCH", "PRI", "X"];
const TARGETS = ["/", "/index.html", "/a?b=c&d", "*", "http://example.com/x", "example.com:443", "/caf\xe9", "/\x00", "/a%20b"];
const VERSIONS = ["HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/0.9", "HTTP/2.0", "HTTP/1.10", "HTTP/01.01", "http/1.1", "HTTP/1", "", "HTTP/9999999999.0"];
const SEPS = [" ", " ", " ", "\t", "  "];
const NAMES = ["Host", "Content-Length", "content-length", "Transfer-Encoding", "Connection", "connection", "Expect",
  "Accept", "X-Forwarded-For", "Transfer_Encoding", "Bad\"Name", ""];
const VALUES = ["chunked", "gzip, chunked", "chunked, gzip", "chunked,", "gzip", "close", "keep-alive", "Close",
  "100-continue", "5", "0", "4294967296", "99999999999999", "100000000000000", "+5", "", "example.com", " a b ", "\x80\xff"];
const LINES = [" folded\r\n", "NoColon\r\n", "Name : v\r\n", "X: a\rb\r\n", "X: a\x00b\r\n", "X: a\n", "\r\n"];
const INTERESTING = [0x0d, 0x0a, 0x00, 0x20, 0x09, 0x3a, 0x7f, 0x80, 0xff, 0x2c, 0x30, 0x0b];

/** Heads built from parts, then mutated with the bytes parsers disagree on; every backend, whole
 * and in random chunks at a random start, must fill the twin's table. */
function differentialTest(L, backends, count, seed, differs, used, fail) {
  const r = rng(seed);
  const pick = (a) => a[r(a.length)];
  const js = backends[backends.length - 1];
  let h = 2166136261;
  let mismatches = 0;
  for (let k = 0; k < count; k++) {
    let text = `${pick(METHODS)}${pick(SEPS)}${pick(TARGETS)}${r(8) ? pick(SEPS) + pick(VERSIONS) : ""}\r\n`;
    for (let f = r(10); f > 0; f--) text += r(12) ? `${pick(NAMES)}:${pick(SEPS)}${pick(VALUES)}\r\n` : pick(LINES);
    text += r(4) ? "\r\n" : "";
    const bytes = [...bytesOf(text)];
    for (let m = r(3); m > 0; m--) {
      const at = r(bytes.length + 1);
      const op = r(3);
      const b = r(2) ? pick(INTERESTING) : r(256);
      if (op === 0) bytes.splice(at, 0, b);
      else if (op === 1) bytes.splice(at, 1);
      else if (at < bytes.length) bytes[at] = b;
    }
    const prefix = r(10);
    const buf = new Uint8Array(prefix + bytes.length + 3);
    buf.set(bytes, prefix);
    buf.set([0x0a, 0x0d, 0x0a], prefix + bytes.length);
    const n = bytes.length;
    const headLimit = r(4) ? L.DEFAULT_HEAD_LIMIT : 1 + r(200);
    const ref = L.newTable();
    js.scan(buf, prefix, prefix + n, ref, headLimit);
    for (let i = 0; i < used(ref); i++) h = fold(h, ref[i]);
    const want = Array.from(ref.subarray(0, used(ref)));
    for (const tok of backends) {
      const whole = L.newTable();
      tok.scan(buf, prefix, prefix + n, whole, headLimit);
      const cuts = [r(n + 1), r(n + 1), n].sort((a, b) => a - b);
      const chunked = L.newTable();
      for (const e of cuts) if (tok.scan(buf, prefix, prefix + e, chunked, headLimit) !== 0) break;
      const d = differs(whole, want, false) || differs(chunked, want, true);
      if (d) {
        mismatches++;
        fail(`differential #${k} ${tok.name}: ${d} on ${JSON.stringify(String.fromCharCode(...bytes)).slice(0, 100)}`);
      }
    }
  }
  return { inputs: count, mismatches, digest: h.toString(16).padStart(8, "0") };
}
