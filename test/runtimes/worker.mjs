// The runtime suite in a module worker (synchronous compilation allowed there: no init() first).
import * as wasm from "../../dist/tokenizer/index.js";
import * as js from "../../dist/tokenizer/js-index.js";
import { runSuite } from "./suite.mjs";

try {
  const { default: cases } = await import("../../test-results/runtimes/cases.mjs");
  const syncAtImport = wasm.isReady();
  postMessage({ ...runSuite({ wasm, js, cases }), syncAtImport });
} catch (e) {
  postMessage({ error: String((e && e.stack) || e) });
}
