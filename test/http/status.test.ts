// HTTPStatus and responses against tables dumped once from CPython 3.11.7:
// python3 -c "import json,http.server as s;json.dump({str(int(k)):list(v) for k,v in s.BaseHTTPRequestHandler.responses.items()},open('test/http/fixtures/cpython-responses.json','w'),indent=1)"
// python3 -c "import json,http;json.dump({n:m.value for n,m in http.HTTPStatus.__members__.items()},open('test/http/fixtures/cpython-httpstatus.json','w'),indent=1)"

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HTTPStatus, responses } from "../../src/http/status.js";

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as T;
}

describe("HTTPStatus", () => {
  it("has every member of CPython's http.HTTPStatus with its value, and nothing else", () => {
    const expected = fixture<Record<string, number>>("cpython-httpstatus.json");
    const ours: Record<string, number> = {};
    for (const [k, v] of Object.entries(HTTPStatus)) if (typeof v === "number") ours[k] = v;
    expect(ours).toEqual(expected);
  });

  it("maps values back to names like a numeric TypeScript enum", () => {
    expect(HTTPStatus.NOT_FOUND).toBe(404);
    expect(HTTPStatus[418]).toBe("IM_A_TEAPOT");
  });
});

describe("responses", () => {
  it("equals BaseHTTPRequestHandler.responses of CPython 3.11", () => {
    const expected = fixture<Record<string, [string, string]>>("cpython-responses.json");
    const ours: Record<string, [string, string]> = {};
    for (const [k, v] of Object.entries(responses)) ours[k] = [v[0], v[1]];
    expect(ours).toEqual(expected);
  });

  it("is frozen", () => {
    expect(Object.isFrozen(responses)).toBe(true);
  });
});
