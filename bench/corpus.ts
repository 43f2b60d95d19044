// The request heads every benchmark in bench/ runs on, the community's first: the Firefox
// request that picohttpparser (bench.c), llhttp and httparse time, byte for byte, then a minimal
// request, a large one and a pipelined burst. Each entry is raw bytes plus the answer a consumer
// must read from it, so a benchmark can check every backend agrees before timing it.

/** What the benchmark consumer reads from each request of a scenario. */
export interface Expected {
  method: string;
  target: string;
  version: string;
  host: string;
  /** Content-Length, or -1 when absent. */
  contentLength: number;
  /** The first Connection field lower-cased when it is `close` or `keep-alive`, else "". */
  connection: string;
}

interface Scenario {
  name: string;
  /** One buffer, as a socket read would deliver it. */
  bytes: Buffer;
  /** Requests in `bytes` (1, or 16 for the pipelined burst). */
  requests: number;
  /** The answer for each request (all requests of a scenario are identical). */
  expected: Expected;
}

function head(lines: string[]): Buffer {
  return Buffer.from(lines.map((l) => l + "\r\n").join("") + "\r\n", "latin1");
}

/**
 * The 703-byte Firefox 3.6 request for a Hello Kitty picture on www.kittyhell.com that
 * picohttpparser's bench.c parses (https://github.com/h2o/picohttpparser/blob/master/bench.c)
 * and that llhttp and Rust's httparse reuse.
 */
export const FIREFOX = head([
  "GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1",
  "Host: www.kittyhell.com",
  "User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9",
  "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "Accept-Language: ja,en-us;q=0.7,en;q=0.3",
  "Accept-Encoding: gzip,deflate",
  "Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7",
  "Keep-Alive: 115",
  "Connection: keep-alive",
  "Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; " +
    "__utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; " +
    "__utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral",
]);
export const FIREFOX_LENGTH = 703;

/** The smallest realistic HTTP/1.1 request: a request line and Host. */
const MINIMAL = head(["GET / HTTP/1.1", "Host: 127.0.0.1:8000"]);

/** About 2 KB with 25 header fields, as a browser behind a CDN and a proxy sends them. */
const LARGE = head([
  "POST /api/v2/orders/8d1f6c2e-41a3-4b7e-9d2a-5f0c7e9b1a34/items?expand=product,price&lang=en-GB HTTP/1.1",
  "Host: shop.example.com",
  "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
  "Accept: application/json, text/plain, */*",
  "Accept-Language: en-GB,en;q=0.8,fr-FR;q=0.5,fr;q=0.3",
  "Accept-Encoding: gzip, deflate, br, zstd",
  "Content-Type: application/json; charset=utf-8",
  "Content-Length: 1234",
  "Origin: https://shop.example.com",
  "Referer: https://shop.example.com/basket?step=2&coupon=SPRING-2026&utm_source=newsletter&utm_medium=email&utm_campaign=spring-sale-2026-week-14&utm_content=hero-banner-variant-b&gclid=Cj0KCQjw8J6wBhDXARIsAPo7QA9xq1s2F7mX4kP0rZ3aB6cD9eF1gH2iJ4kL5mN7oP8qR",
  "Connection: keep-alive",
  "Cookie: session=7b5c1f0a9e3d4c28b6a1f2e3d4c5b6a7; csrftoken=Qm9vdHN0cmFwLWNzcmYtdG9rZW4tZXhhbXBsZQ; " +
    "_ga=GA1.2.1234567890.1712345678; _gid=GA1.2.987654321.1712345678; consent=analytics%3Atrue%2Cads%3Afalse; " +
    "basket=3f2a9c; theme=dark; tz=Europe%2FLondon; recently_viewed=sku-10443%2Csku-20871%2Csku-33310%2Csku-41275%2Csku-58832; " +
    "ab_test=checkout-v3%3Agroup-b%7Csearch-v2%3Acontrol; _fbp=fb.1.1712345678901.1234567890; " +
    "_hjSessionUser_123456=eyJpZCI6IjEyMzQ1Njc4LTkwYWItY2RlZi0xMjM0LTU2Nzg5MGFiY2RlZiIsImNyZWF0ZWQiOjE3MTIzNDU2Nzg5MDF9",
  "Sec-Fetch-Dest: empty",
  "Sec-Fetch-Mode: cors",
  "Sec-Fetch-Site: same-origin",
  "Priority: u=0",
  "Pragma: no-cache",
  "If-None-Match: W/\"5e15153d-120f\", W/\"67ab43-a1f2\"",
  "Cache-Control: no-cache",
  "X-Requested-With: XMLHttpRequest",
  "X-CSRF-Token: Qm9vdHN0cmFwLWNzcmYtdG9rZW4tZXhhbXBsZQ",
  "X-Forwarded-For: 203.0.113.195, 198.51.100.17, 192.0.2.44",
  "X-Forwarded-Proto: https",
  "X-Request-ID: 4f9d2c1a-7e3b-4a5d-8c6f-0b1e2d3c4a5f",
  "Traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyLCJzY29wZSI6Im9yZGVyczpyZWFkIG9yZGVyczp3cml0ZSBiYXNrZXQ6cmVhZCBiYXNrZXQ6d3JpdGUgcHJvZmlsZTpyZWFkIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
]);

/** The Firefox request 16 times in one buffer: HTTP/1.1 pipelining, one socket read. */
const PIPELINED = Buffer.concat(Array.from({ length: 16 }, () => FIREFOX));

const FIREFOX_EXPECTED: Expected = {
  method: "GET",
  target: "/wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg",
  version: "HTTP/1.1",
  host: "www.kittyhell.com",
  contentLength: -1,
  connection: "keep-alive",
};

export const SCENARIOS: readonly Scenario[] = [
  { name: "firefox-703B", bytes: FIREFOX, requests: 1, expected: FIREFOX_EXPECTED },
  {
    name: "minimal",
    bytes: MINIMAL,
    requests: 1,
    expected: { method: "GET", target: "/", version: "HTTP/1.1", host: "127.0.0.1:8000", contentLength: -1, connection: "" },
  },
  {
    name: "large-25-headers",
    bytes: LARGE,
    requests: 1,
    expected: {
      method: "POST",
      target: "/api/v2/orders/8d1f6c2e-41a3-4b7e-9d2a-5f0c7e9b1a34/items?expand=product,price&lang=en-GB",
      version: "HTTP/1.1",
      host: "shop.example.com",
      contentLength: 1234,
      connection: "keep-alive",
    },
  },
  { name: "pipelined-16x-firefox", bytes: PIPELINED, requests: 16, expected: FIREFOX_EXPECTED },
];

/**
 * LARGE as a GET with no body, for the server benchmark (its handlers answer GET): the same
 * 25 fields and size, Content-Length swapped for a field of the same length.
 */
export const LARGE_GET = Buffer.from(
  LARGE.toString("latin1")
    .replace(/^POST /, "GET ")
    .replace("Content-Length: 1234\r\n", "X-Client-Build: 1234\r\n"),
  "latin1",
);

/** A scenario whose requests differ: `variants` heads of the same length, taken in turn. */
interface VaryingScenario {
  name: string;
  what: string;
  /** The first variant (what the candidates are prepared with). */
  bytes: Buffer;
  variants: Buffer[];
  expected: Expected[];
}

/** Variants per varying scenario: more than a small cache of recent values holds (the one tried
 * had 128 entries), so that no changing value is still there when it comes round again. A power
 * of two (the candidates' ring). */
const VARIANTS = 256;

/** `s` with its last `n` characters replaced by `i` in base 36, zero-padded (same length). */
function stamp(s: string, i: number, n: number): string {
  return s.slice(0, s.length - n) + i.toString(36).padStart(n, "0").slice(-n);
}

/** The Firefox request, number i: its target and, with `all`, every field value but Connection
 * carry i (same lengths, so every variant is 703 bytes); otherwise its Cookie does too. */
function firefoxVariant(i: number, all: boolean): { bytes: Buffer; target: string; host: string } {
  const lines = FIREFOX.toString("latin1").split("\r\n");
  const [m, t, v] = lines[0]!.split(" ");
  const target = stamp(t!.slice(0, -4), i, 4) + ".jpg";
  lines[0] = `${m} ${target} ${v}`;
  let host = FIREFOX_EXPECTED.host;
  for (let k = 1; k < lines.length && lines[k] !== ""; k++) {
    const colon = lines[k]!.indexOf(": ");
    const name = lines[k]!.slice(0, colon);
    const value = lines[k]!.slice(colon + 2);
    if (name === "Connection" || (!all && name !== "Cookie")) continue;
    // Host keeps its ".com"; short values take as many digits as they have characters.
    const stamped = name === "Host" ? stamp(value.slice(0, -4), i, 3) + ".com" : stamp(value, i, Math.min(3, value.length));
    if (name === "Host") host = stamped;
    lines[k] = `${name}: ${stamped}`;
  }
  return { bytes: Buffer.from(lines.join("\r\n"), "latin1"), target, host };
}

function varying(name: string, what: string, all: boolean): VaryingScenario {
  const made = Array.from({ length: VARIANTS }, (_, i) => firefoxVariant(i, all));
  for (const v of made) if (v.bytes.length !== FIREFOX_LENGTH) throw new Error(`${name}: a variant of ${v.bytes.length} bytes`);
  return {
    name,
    what,
    bytes: made[0]!.bytes,
    variants: made.map((v) => v.bytes),
    expected: made.map((v) => ({ ...FIREFOX_EXPECTED, target: v.target, host: v.host })),
  };
}

/**
 * The Firefox request with values that change from request to request, so that a parser that
 * remembers values (bench/NOTES.md, "a value cache for parseRequestHead") is also timed when they
 * do not repeat. firefox-varying: the target and the Cookie change (the same client browsing:
 * 8 of 10 strings repeat); firefox-all-new: the target and every value but Connection (nothing but
 * names, method and version repeats).
 */
export const VARYING_SCENARIOS: readonly VaryingScenario[] = [
  varying("firefox-varying", "Firefox 703 B, new target and Cookie in every request", false),
  varying("firefox-all-new", "Firefox 703 B, new target and values (but Connection) in every request", true),
];
