// The tokenizer's case suite and differential test (suite.mjs) in every runtime the package
// claims: Node 20 (this process's node), Deno and Bun (the npm packages `deno` and `bun`, dev
// dependencies), and Debian's Chromium (/usr/bin/chromium, driven by playwright-core, which
// downloads no browser) on its main thread and in a module worker. Each must pass every check
// and fill the same token tables: the digests must equal Node's, backend by backend.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runtimeBinary } from "./binaries.js";
import { writeRuntimeCases } from "./fixtures-module.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = runtimeBinary;
/** Debian's package; .ci/run installs it when missing. */
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run"];

interface SuiteResult {
  runtime: string;
  simd: boolean;
  backends: string[];
  cases: number;
  checks: number;
  failureCount: number;
  failures: string[];
  digests: Record<string, string>;
  differential: { inputs: number; mismatches: number; digest: string };
  syncAtImport: boolean;
  error?: string;
}

function runCli(command: string, args: string[]): SuiteResult {
  const r = spawnSync(command, args, { cwd: root, encoding: "utf8", timeout: 120_000, env: { ...process.env, NO_COLOR: "1" } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as SuiteResult;
}

let node: SuiteResult;

beforeAll(() => {
  writeRuntimeCases(join(root, "test-results", "runtimes"));
  node = runCli(process.execPath, ["test/runtimes/run.mjs"]);
}, 120_000);

/** Every check passed, and the tables are the ones Node's backends filled. */
function expectSameAsNode(r: SuiteResult): void {
  expect(r.error).toBeUndefined();
  expect(r.failures).toEqual([]);
  expect(r.failureCount).toBe(0);
  expect(r.cases).toBe(node.cases);
  expect(r.checks).toBe(node.checks);
  expect(r.backends).toEqual(node.backends);
  expect(r.digests).toEqual(node.digests);
  expect(r.differential).toEqual(node.differential);
}

describe("tokenizer suite in every runtime", () => {
  test("node: every case and differential input passes; all backends fill the same tables", () => {
    expect(node.runtime).toMatch(/^node v\d+/);
    expect(node.failures).toEqual([]);
    expect(node.cases).toBeGreaterThanOrEqual(150);
    expect(node.differential.mismatches).toBe(0);
    expect(new Set(Object.values(node.digests)).size).toBe(1);
    expect(node.syncAtImport).toBe(true);
  });

  test("deno (npm package `deno`): same tables as Node, compiled synchronously at import", () => {
    const r = runCli(bin("deno"), ["run", "--no-prompt", "--no-config", "test/runtimes/run.mjs"]);
    expect(r.runtime).toMatch(/^deno \d/);
    expectSameAsNode(r);
    expect(r.syncAtImport).toBe(true);
  }, 120_000);

  test("bun (npm package `bun`): same tables as Node, compiled synchronously at import", () => {
    const r = runCli(bin("bun"), ["test/runtimes/run.mjs"]);
    expect(r.runtime).toMatch(/^bun \d/);
    expectSameAsNode(r);
    expect(r.syncAtImport).toBe(true);
  }, 120_000);

  describe("chromium (Debian package, headless)", () => {
    let server: Server;
    let origin = "";

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
      // The repository over loopback, read-only: the page imports dist/ and test/runtimes/ as modules.
      const types: Record<string, string> = { ".html": "text/html", ".mjs": "text/javascript", ".js": "text/javascript" };
      server = createServer((req, res) => {
        const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname)));
        if (!path.startsWith(root) || !existsSync(path)) {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { "Content-Type": types[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const address = server.address();
      origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
    });

    test("main thread (init() awaited) and a module worker: same tables as Node", async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 60_000 });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(String(e)));
        await page.goto(`${origin}/test/runtimes/browser.html`);
        await page.waitForFunction(() => (globalThis as { __suite?: unknown }).__suite !== undefined, undefined, { timeout: 90_000 });
        const r = (await page.evaluate(() => (globalThis as { __suite?: unknown }).__suite)) as
          { mainThread: SuiteResult; worker: SuiteResult; error?: string };
        expect(r.error).toBeUndefined();
        expect(errors).toEqual([]);
        expect(r.mainThread.runtime).toMatch(/^chromium [\d.]+ \(main thread\)$/);
        expect(r.worker.runtime).toMatch(/^chromium [\d.]+ \(worker\)$/);
        expectSameAsNode(r.mainThread);
        expectSameAsNode(r.worker);
        // A worker compiles synchronously at import; the main thread may or may not (init() covers both).
        expect(r.worker.syncAtImport).toBe(true);
      } finally {
        await browser.close();
      }
    }, 150_000);
  });
});
