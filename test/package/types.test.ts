// Types out of the box: the packed tarball (npm pack) unpacked into fresh consumer projects,
// type-checked by TypeScript 7 (the `typescript7` dev dependency, npm:typescript@7) with an
// EMPTY tsconfig.json and by TypeScript 5 with a NodeNext tsconfig. The consumers: the README's
// example (then compiled by TS 7 and run), every public type imported by name, `override do_GET`,
// and both tokenizer entries. @types/node comes from the package's own dependency (linked from
// this checkout's node_modules: nothing is downloaded).

import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "basehttp-types-"));
const TSC = { 5: join(root, "node_modules/typescript/bin/tsc"), 7: join(root, "node_modules/typescript7/bin/tsc") };
let tarball = "";
const children: ChildProcess[] = [];

/** The README's library example: the first ```ts block that imports HTTPServer. */
function readmeExample(): string {
  const m = /```ts\n(import \{ HTTPServer[\s\S]*?)```/.exec(readFileSync(join(root, "README.md"), "utf8"));
  if (!m) throw new Error("README.md has no ```ts example importing HTTPServer");
  return m[1]!;
}

const PUBLIC_TYPES = `
import type {
  Address, ConnectionLimits, ConnectionRegistry, HTTPServerOptions, HTTPSServerOptions, MessageClass, ParserName,
  ReadableFile, RequestBody, RequestHandlerClass, ResponseSource, SimpleHTTPRequestHandlerOptions, SocketWriter,
  TLSPassword, Tokenizer, WritableFile,
} from "basehttp";
import { BaseHTTPRequestHandler, ConnectionResetError, HTTPMessage, HTTPServer, HTTPStatus, SimpleHTTPRequestHandler } from "basehttp";

export class Echo extends BaseHTTPRequestHandler {
  override async do_POST(): Promise<void> {
    const body: RequestBody = this.rfile;
    const out: SocketWriter = this.wfile;
    const headers: HTTPMessage = this.headers;
    try {
      const data = await body.read();
      this.send_response(HTTPStatus.OK);
      this.send_header("X-Seen", headers.get("Host", "-"));
      this.end_headers();
      out.write(data);
    } catch (e) {
      if (!(e instanceof ConnectionResetError)) throw e;
    }
  }
  // A method no one declares: still a handler method, no override.
  do_SPAM(): void {}
}

export class Files extends SimpleHTTPRequestHandler {
  override async do_GET(): Promise<void> {
    await super.do_GET();
  }
  override async send_head(): Promise<ResponseSource | null> {
    return super.send_head();
  }
}

const options: HTTPServerOptions = { parser: "js" satisfies ParserName, headLimit: 65536 };
const handlerClass: RequestHandlerClass = Echo;
export const httpd = new HTTPServer(["127.0.0.1", 0], handlerClass, { ...options, bind_and_activate: false });
export const limits: ConnectionLimits = httpd;
export const registry: ConnectionRegistry = httpd.connections;
export const tokenizer: Tokenizer = httpd.tokenizer;
export const address: Address = ["127.0.0.1", 0];
export type Unused = [HTTPSServerOptions, TLSPassword, MessageClass, ReadableFile, WritableFile, SimpleHTTPRequestHandlerOptions];
`;

const TOKENIZER = `
import { init, parseRequestHead, T_OUTCOME, newTable, WasmTokenizer, type ParseResult, type RequestHead } from "basehttp/tokenizer";
import { JsTokenizer, parseRequestHead as parseJs, V_BARE_LF } from "basehttp/tokenizer/js";

await init();
const bytes = new TextEncoder().encode("GET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n");
const r: ParseResult = parseRequestHead(bytes);
if (r.kind === "head") {
  const head: RequestHead = r;
  const pairs: [string, string][] = head.headers;
  console.log(head.method, head.target, head.version, pairs.length, head.length);
} else if (r.kind === "violation") {
  console.log(r.code === V_BARE_LF, r.name, r.rfc, r.status, r.at);
}
const table = newTable();
new WasmTokenizer().scan(bytes, 0, bytes.length, table, 1 << 20);
new JsTokenizer().scan(bytes, 0, bytes.length, table, 1 << 20);
console.log(table[T_OUTCOME], parseJs(bytes).kind);
`;

/** A consumer project with `files`, the tarball unpacked as node_modules/basehttp. */
function consumer(name: string, tsconfig: object, files: Record<string, string>): string {
  const dir = join(work, name);
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "basehttp"), { recursive: true });
  mkdirSync(join(modules, "@types"), { recursive: true });
  execFileSync("tar", ["xzf", tarball, "-C", join(modules, "basehttp"), "--strip-components=1"]);
  // The dependency @types/node (and its own dependency undici-types), from this checkout.
  symlinkSync(join(root, "node_modules/@types/node"), join(modules, "@types/node"));
  symlinkSync(join(root, "node_modules/undici-types"), join(modules, "undici-types"));
  // The package's runtime dependencies (package.json "dependencies" other than @types/node).
  const deps = Object.keys(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).dependencies as Record<string, string>);
  for (const dep of deps.filter((d) => !d.startsWith("@types/"))) symlinkSync(join(root, "node_modules", dep), join(modules, dep));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module", dependencies: { basehttp: "*" } }));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

function typecheck(version: 5 | 7, dir: string, extra: string[] = []): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TSC[version], "-p", dir, ...extra], { encoding: "utf8", timeout: 120_000 });
  return { status: r.status, output: r.stdout + r.stderr };
}

beforeAll(() => {
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" });
  tarball = join(work, (JSON.parse(out) as { filename: string }[])[0]!.filename);
}, 120_000);

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  test("declares @types/node as a dependency and ships no debug binary or source maps of it", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(Object.keys(pkg.dependencies)).toContain("@types/node");
    const list = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).split("\n");
    expect(list.filter((f) => /debug|\.wasm\.map$/.test(f))).toEqual([]);
    for (const f of ["package/LICENSE", "package/CHANGELOG.md", "package/docs/API.md", "package/dist/tokenizer/index.js", "package/dist/tokenizer/js-index.js"]) {
      expect(list).toContain(f);
    }
  });

  test("TypeScript 7, empty tsconfig: the README example type-checks (0 errors), compiles and serves", async () => {
    const source = readmeExample()
      .replace('["127.0.0.1", 8000]', '["127.0.0.1", 0]')
      .replace("await httpd.serve_forever();", 'console.log("port", httpd.server_address[1]);\nawait httpd.serve_forever();');
    expect(source).toContain('console.log("port"');
    const dir = consumer("ts7-readme", {}, { "index.ts": source });
    const r = typecheck(7, dir);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
    expect(readdirSync(dir)).toContain("index.js");
    const child = spawn(process.execPath, ["index.js"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let out = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 20_000;
    while (!/port (\d+)/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 25));
    const port = Number(/port (\d+)/.exec(out)?.[1]);
    expect(port, out).toBeGreaterThan(0);
    const reply = await new Promise<string>((resolve, reject) => {
      let text = "";
      const s = net.connect(port, "127.0.0.1", () =>
        s.write("GET / HTTP/1.1\r\nUser-Agent: vitest\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: 4\r\nConnection: close\r\n\r\nping"));
      s.on("data", (c) => (text += c.toString("latin1"))).on("end", () => resolve(text)).on("error", reject);
    });
    expect(reply).toContain("\r\n\r\nHello, vitest!\n");
    expect(reply.endsWith("\r\n\r\nping")).toBe(true);
    child.kill("SIGTERM");
  }, 120_000);

  for (const version of [7, 5] as const) {
    // TS 5's defaults (ES5, CommonJS) predate the package; its consumer says NodeNext as TS 5 projects do.
    const tsconfig = version === 7 ? {} : { compilerOptions: { module: "nodenext", target: "es2022", strict: true, noImplicitOverride: true, noEmit: true } };
    test(`TypeScript ${version}: every public type imports by name, override do_GET works, both tokenizer entries type-check`, () => {
      const dir = consumer(`ts${version}-types`, tsconfig, { "types.ts": PUBLIC_TYPES, "tokenizer.ts": TOKENIZER });
      const r = typecheck(version, dir, version === 7 ? ["--noEmit"] : []);
      expect(r.output).toBe("");
      expect(r.status).toBe(0);
    }, 120_000);
  }

  test("`await using` (README): TypeScript 7 compiles it to helpers that run on Node 20 (no Node 24 syntax needed)", () => {
    const dir = consumer("ts7-await-using", {}, {
      "using.ts": 'import { BaseHTTPRequestHandler, HTTPServer } from "basehttp";\n{\n' +
        '  await using httpd = new HTTPServer(["127.0.0.1", 0], BaseHTTPRequestHandler);\n' +
        '  await httpd.ready;\n  console.log("bound", httpd.server_address[1] > 0);\n}\nconsole.log("closed");\n',
    });
    const r = typecheck(7, dir);
    expect(r.output).toBe("");
    expect(readFileSync(join(dir, "using.js"), "utf8")).toContain("__addDisposableResource");
    const run = spawnSync(process.execPath, ["using.js"], { cwd: dir, encoding: "utf8", timeout: 20_000 });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("bound true\nclosed\n");
  }, 120_000);

  test("a misspelled handler method with `override` is an error (the declarations are real, not `any`)", () => {
    const dir = consumer("ts7-negative", {}, {
      "bad.ts": 'import { BaseHTTPRequestHandler } from "basehttp";\nexport class H extends BaseHTTPRequestHandler {\n  override do_GTE(): void {}\n}\n',
    });
    const r = typecheck(7, dir, ["--noEmit"]);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/bad\.ts\(3,12\): error TS4117: .*Did you mean 'do_GET'\?/);
  }, 120_000);
});
