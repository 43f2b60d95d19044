// The runtime suite in a browser: on the main thread (where synchronous WebAssembly compilation
// may be refused, so init() is awaited), then in a module worker. runtimes.test.ts reads
// globalThis.__suite when it is set.
import * as wasm from "../../dist/tokenizer/index.js";
import * as js from "../../dist/tokenizer/js-index.js";
import { runSuite } from "./suite.mjs";

async function main() {
  const { default: cases } = await import("../../test-results/runtimes/cases.mjs");
  const syncAtImport = wasm.isReady();
  await wasm.init(wasm.SIMD_SUPPORTED ? ["simd", "scalar"] : ["scalar"]);
  const mainThread = { ...runSuite({ wasm, js, cases }), syncAtImport };
  const worker = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" });
  const inWorker = await new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(`worker: ${e.message}`));
  });
  return { mainThread, worker: inWorker };
}

main().then(
  (r) => (globalThis.__suite = r),
  (e) => (globalThis.__suite = { error: String(e && e.stack || e) }),
);
