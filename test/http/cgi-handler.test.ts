// CGIHTTPRequestHandler over real sockets on 127.0.0.1: CPython 3.11's CGIHTTPServerTestCase
// (Lib/test/test_httpservers.py) as our own tests, each naming the CPython test it mirrors, then
// every request of fixtures/cgi-cases.json (from fixtures/gen-cgi.py: the status line, the CGI
// environment and argv CPython's run_cgi produces), on both parser backends.

import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CGIHTTPRequestHandler } from "../../src/http/cgi-handler.js";
import { IndexError, splitCgiPath, urlCollapsePath } from "../../src/http/cgi/collapse.js";
import { PARSERS } from "../server/helpers.js";
import { exchangeRaw } from "./simple-client.js";
import {
  CGI_FILE1, CGI_KEYS, makeTree, parseCgiResponse, removeTree, startCgiServer, type CgiResponse, type CgiServer,
} from "./cgi-setup.js";

type Attempt<T> = { ok: T } | { error: string };
interface RequestCase {
  request: string;
  status: string;
  script: string | null;
  argv: string[] | null;
  env: Record<string, string | null> | null;
}
const cases = JSON.parse(readFileSync(new URL("./fixtures/cgi-cases.json", import.meta.url), "utf8")) as {
  collapse: [string, Attempt<string>, Attempt<[string, string] | false>][];
  requests: RequestCase[];
};

function attempt<T>(f: () => T): Attempt<T> {
  try {
    return { ok: f() };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

describe("_url_collapse_path and is_cgi", () => {
  it("test_url_collapse_path", () => {
    const vectors: [string, string | typeof IndexError][] = [
      ["", "//"], ["..", IndexError], ["/.//..", IndexError], ["/", "//"], ["//", "//"], ["/\\", "//\\"],
      ["/.//", "//"], ["cgi-bin/file1.py", "/cgi-bin/file1.py"], ["/cgi-bin/file1.py", "/cgi-bin/file1.py"],
      ["a", "//a"], ["/a", "//a"], ["//a", "//a"], ["./a", "//a"], ["./C:/", "/C:/"], ["/a/b", "/a/b"],
      ["/a/b/", "/a/b/"], ["/a/b/.", "/a/b/"], ["/a/b/c/..", "/a/b/"], ["/a/b/c/../d", "/a/b/d"],
      ["/a/b/c/../d/e/../f", "/a/b/d/f"], ["/a/b/c/../d/e/../../f", "/a/b/f"],
      ["/a/b/c/../d/e/.././././..//f", "/a/b/f"], ["../a/b/c/../d/e/.././././..//f", IndexError],
      ["/a/b/c/../d/e/../../../f", "/a/f"], ["/a/b/c/../d/e/../../../../f", "//f"],
      ["/a/b/c/../d/e/../../../../../f", IndexError], ["/a/b/c/../d/e/../../../../f/..", "//"],
      ["/a/b/c/../d/e/../../../../f/../.", "//"],
    ];
    for (const [path, expected] of vectors) {
      if (typeof expected === "string") expect(urlCollapsePath(path), path).toBe(expected);
      else expect(() => urlCollapsePath(path), path).toThrow(expected);
    }
  });

  it.each(cases.collapse)("%j collapses and matches cgi_directories as CPython", (path, collapsed, isCgi) => {
    expect(attempt(() => urlCollapsePath(path))).toEqual(collapsed);
    const dirs = CGIHTTPRequestHandler.prototype.cgi_directories;
    expect(attempt(() => splitCgiPath(path, dirs) ?? false)).toEqual(isCgi);
  });
});

let root: string;

beforeAll(async () => {
  root = await makeTree();
});

afterAll(async () => {
  await removeTree(root);
});

describe.each(PARSERS)("CGIHTTPServerTestCase (CPython 3.11), parser %s", (parser) => {
  let server: CgiServer;

  beforeAll(async () => {
    server = await startCgiServer(root, parser);
  });

  afterAll(async () => {
    await server.stop();
  });

  /** CPython's self.request: an http.client request, answered and closed. */
  async function request(uri: string, method = "GET", body = "", headers: [string, string][] = []): Promise<CgiResponse> {
    let head = `${method} ${uri} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAccept-Encoding: identity\r\n`;
    if (body !== "" || method === "POST") head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
    const raw = await exchangeRaw(server.port, Buffer.concat([Buffer.from(head + "\r\n", "latin1"), Buffer.from(body)]));
    return parseCgiResponse(raw);
  }

  const hello = (res: CgiResponse) =>
    expect([res.body.toString(), res.header("Content-type"), res.status]).toEqual(["Hello World\n", "text/html", 200]);

  it("test_headers_and_content", async () => {
    hello(await request("/cgi-bin/file1.py"));
  });

  it("test_issue19435", async () => {
    expect((await request("///////////nocgi.py/../cgi-bin/nothere.sh")).status).toBe(404);
  });

  it("test_post", async () => {
    const res = await request("/cgi-bin/file2.py", "POST", "spam=1&eggs=python&bacon=123456", [
      ["Content-type", "application/x-www-form-urlencoded"],
    ]);
    expect(res.body.toString()).toBe("1, python, 123456\n");
  });

  it("test_invaliduri", async () => {
    expect((await request("/cgi-bin/invalid")).status).toBe(404);
  });

  it("test_authorization", async () => {
    hello(await request("/cgi-bin/file1.py", "GET", "", [["Authorization", "Basic " + Buffer.from("username:pass").toString("base64")]]));
  });

  it("test_no_leading_slash", async () => {
    hello(await request("cgi-bin/file1.py"));
  });

  it("test_os_environ_is_not_altered", async () => {
    const saved = process.env["SERVER_SOFTWARE"];
    process.env["SERVER_SOFTWARE"] = "Test CGI Server";
    try {
      hello(await request("/cgi-bin/file1.py"));
      expect(process.env["SERVER_SOFTWARE"]).toBe("Test CGI Server");
    } finally {
      if (saved === undefined) delete process.env["SERVER_SOFTWARE"];
      else process.env["SERVER_SOFTWARE"] = saved;
    }
  });

  it("test_urlquote_decoding_in_cgi_check", async () => {
    hello(await request("/cgi-bin%2ffile1.py"));
  });

  it("test_nested_cgi_path_issue21323", async () => {
    hello(await request("/cgi-bin/child-dir/file3.py"));
  });

  it("test_query_with_multiple_question_mark", async () => {
    const res = await request("/cgi-bin/file4.py?a=b?c=d");
    expect([res.body.toString(), res.header("Content-type"), res.status]).toEqual(["a=b?c=d\n", "text/html", 200]);
  });

  it("test_query_with_continuous_slashes", async () => {
    const res = await request("/cgi-bin/file4.py?k=aa%2F%2Fbb&//q//p//=//a//b//");
    expect([res.body.toString(), res.header("Content-type"), res.status])
      .toEqual(["k=aa%2F%2Fbb&//q//p//=//a//b//\n", "text/html", 200]);
  });

  it("test_cgi_path_in_sub_directories", async () => {
    const dirs = CGIHTTPRequestHandler.prototype.cgi_directories;
    dirs.push("/sub/dir/cgi-bin");
    try {
      hello(await request("/sub/dir/cgi-bin/file5.py"));
    } finally {
      dirs.splice(dirs.indexOf("/sub/dir/cgi-bin"), 1);
    }
    // Out of cgi_directories again: the file itself is served, not run.
    expect((await request("/sub/dir/cgi-bin/file5.py")).body.toString()).toBe(CGI_FILE1);
  });

  it.each([
    [[["Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]],
      "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"],
    [[], ""],
    [[["Accept", "text/html"], ["ACCEPT", "text/plain"]], "text/html,text/plain"],
  ] as [[string, string][], string][])("test_accept %j", async (headers, expected) => {
    const res = await request("/cgi-bin/file6.py", "GET", "", headers);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toContain(`\nHTTP_ACCEPT=${expected}\n`);
  });
});

describe.each(PARSERS)("run_cgi against CPython's answers (fixtures/cgi-cases.json), parser %s", (parser) => {
  let server: CgiServer;

  beforeAll(async () => {
    server = await startCgiServer(root, parser);
  });

  afterAll(async () => {
    await server.stop();
  });

  it.each(cases.requests.map((c) => [c.request.split("\r\n")[0]! + " " + JSON.stringify(c.request.slice(c.request.indexOf("\r\n") + 2, -2)), c] as const))(
    "%s",
    async (_, c) => {
      const raw = await exchangeRaw(server.port, Buffer.from(c.request, "latin1"));
      const res = parseCgiResponse(raw);
      expect(res.statusLine).toBe(c.status);
      if (c.env === null) return;
      // The status line, Server, Date, then the script's own head (LF line ends) and body.
      expect(raw.toString("latin1", 0, raw.length - res.body.length)).toMatch(
        /^HTTP\/1\.0 200 Script output follows\r\nServer: SimpleHTTP\/0\.6 Node\.js\/\S+\r\nDate: [^\r]+ GMT\r\nContent-type: application\/json\n\n$/,
      );
      const out = JSON.parse(res.body.toString("utf8")) as { env: Record<string, string | null>; argv: string[]; stdin: string };
      const expected: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(c.env)) expected[k] = v === null ? null : v.replace("{root}", root).replace("{port}", String(server.port));
      expect(out.env["SERVER_SOFTWARE"]).toBe(`SimpleHTTP/0.6 Node.js/${process.versions.node}`);
      expect({ ...out.env, SERVER_SOFTWARE: null }).toEqual(expected);
      expect(out.argv).toEqual(c.argv);
      expect(out.stdin).toBe(c.request.slice(c.request.indexOf("\r\n\r\n") + 4));
      expect(Object.keys(out.env).sort()).toEqual([...CGI_KEYS].sort());
    },
  );
});
