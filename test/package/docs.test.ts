// The documentation as a newcomer meets it: docs/API.md names every public name of the three
// package entries (read from the built declarations by the TypeScript compiler, values and types
// alike) and every name it sets in bold is exported; the links of the README, docs/API.md,
// CHANGELOG.md and bench/README.md lead to files (and headings) inside the repository; every
// `npm run X` they show is a script of package.json.

import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), "utf8");
const api = read("docs/API.md");
const pkg = JSON.parse(read("package.json")) as {
  exports: Record<string, string | { types?: string }>;
  scripts: Record<string, string>;
};
const DOCUMENTS = ["README.md", "docs/API.md", "CHANGELOG.md", "bench/README.md"];

/** Every name an entry of package.json's `exports` gives, values and types, from its .d.ts. */
function exportedNames(): Map<string, string[]> {
  const entries = Object.entries(pkg.exports).flatMap(([key, value]) =>
    typeof value === "object" && value.types ? [[key, join(root, value.types)] as const] : [],
  );
  const program = ts.createProgram(entries.map(([, file]) => file), { noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const names = new Map<string, string[]>();
  for (const [key, file] of entries) {
    const source = program.getSourceFile(file);
    if (source === undefined) throw new Error(`${file} is missing: run npm run build`);
    const module = checker.getSymbolAtLocation(source)!;
    names.set(key, checker.getExportsOfModule(module).map((s) => s.name));
  }
  return names;
}

/** A heading as GitHub makes it an anchor. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\- ]/gu, "").replace(/ /g, "-");
}

describe("docs/API.md", () => {
  const exported = exportedNames();

  it("finds the three entries of package.json's exports", () => {
    expect([...exported.keys()].sort()).toEqual([".", "./tokenizer", "./tokenizer/js"]);
    for (const names of exported.values()) expect(names.length).toBeGreaterThan(10);
  });

  it("names every export of every entry", () => {
    // A `_LEN` slot is documented beside its `_OFF` (`T_METHOD_OFF`/`_LEN`).
    const documented = (name: string) =>
      new RegExp(`\\b${name}\\b`).test(api) || (/^T_\w+_LEN$/.test(name) && api.includes(`${name.replace(/_LEN$/, "_OFF")}\`/\`_LEN`));
    const missing = [...exported].flatMap(([entry, names]) => names.filter((n) => !documented(n)).map((n) => `${entry}: ${n}`));
    expect(missing).toEqual([]);
  });

  it("sets in bold only names that are exported", () => {
    const all = new Set([...exported.values()].flat());
    const bold = [...api.matchAll(/\*\*`(?:await )?(?:new )?([A-Za-z_]\w*)/g)].map((m) => m[1]!);
    expect(bold.length).toBeGreaterThan(30);
    expect(bold.filter((name) => !all.has(name))).toEqual([]);
  });

  it("gives each HTTPServer option with the default the server really uses", async () => {
    const { HTTPServer, BaseHTTPRequestHandler } = await import("basehttp");
    const httpd = new HTTPServer(["127.0.0.1", 0], BaseHTTPRequestHandler, false);
    const defaults: [string, number, RegExp][] = [
      ["headLimit", httpd.headLimit, /`headLimit`: bytes a request head may take \(default 1 MiB/],
      ["headTimeout", httpd.headTimeout, /`headTimeout`: seconds a head may take to arrive \(default 60;/],
      ["keepAliveTimeout", httpd.keepAliveTimeout, /`keepAliveTimeout`: seconds an idle keep-alive connection is kept \(default 5;/],
      ["drainLimit", httpd.drainLimit, /`drainLimit`, `drainTimeout`: bytes \(default 64 KiB\) and seconds \(default 2\)/],
      ["drainTimeout", httpd.drainTimeout, /`drainLimit`, `drainTimeout`: bytes \(default 64 KiB\) and seconds \(default 2\)/],
      ["sendTimeout", httpd.sendTimeout, /our answer still queued for it \(default 60\)/],
    ];
    for (const [, , text] of defaults) expect(api).toMatch(text);
    // The values the sentences above state, written out here, not taken from the code.
    expect(Object.fromEntries(defaults.map(([name, value]) => [name, value]))).toEqual({
      headLimit: 1024 * 1024, headTimeout: 60, keepAliveTimeout: 5, drainLimit: 64 * 1024, drainTimeout: 2, sendTimeout: 60,
    });
    expect(httpd.request_queue_size).toBe(511);
    expect(api).toMatch(/`request_queue_size` \(511\b/);
    httpd.server_close();
  });

  it("states each violation's rule and status as the tokenizers give them, every code once", async () => {
    const m = await import("basehttp/tokenizer/js");
    const rows = [...api.matchAll(/^\| ((?:`V_\w+`(?: \([^)]*\))?(?:, )?)+) \| (RFC [^|]+?) \| ([^|]+?) \|$/gm)];
    const documented = new Map<string, [string, number]>();
    for (const [, codes, rfc, status] of rows) {
      for (const [, name] of codes!.matchAll(/`V_(\w+)`/g)) {
        expect(documented.has(name!), name).toBe(false);
        documented.set(name!, [rfc!, status === "close, no answer" ? 0 : Number(status)]);
      }
    }
    const given = new Map<string, [string, number]>();
    for (let code = 1; code < m.VIOLATION_COUNT; code++) given.set(m.VIOLATION_NAMES[code]!, [m.VIOLATION_RFC[code]!, m.VIOLATION_STATUS[code]!]);
    expect(documented.size).toBe(20);
    expect(documented).toEqual(given);
  });
});

describe.each(DOCUMENTS)("%s", (document) => {
  const text = read(document);

  it("links only to files and headings inside the repository", () => {
    const bad: string[] = [];
    for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^https?:\/\//.test(link!)) continue;
      const [path, anchor] = link!.split("#") as [string, string | undefined];
      const target = path === "" ? join(root, document) : resolve(dirname(join(root, document)), path);
      if (relative(root, target).startsWith("..")) bad.push(`${link}: outside the repository`);
      else if (!existsSync(target)) bad.push(`${link}: no such file`);
      else if (anchor !== undefined && statSync(target).isFile()) {
        const headings = [...readFileSync(target, "utf8").matchAll(/^#+ (.*)$/gm)].map((h) => slug(h[1]!));
        if (!headings.includes(anchor)) bad.push(`${link}: no such heading`);
      }
    }
    expect(bad).toEqual([]);
    expect(text).not.toMatch(/\.\.\/shared|\/work\/shared/);
  });

  it("shows only npm scripts that package.json has", () => {
    const shown = [...text.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(shown.filter((name) => !(name in pkg.scripts))).toEqual([]);
  });
});
