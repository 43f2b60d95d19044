// The runtime suite's entry for Node, Deno and Bun: the built public entries (dist/, as the
// package ships them), the cases written by fixtures-module.ts, one JSON line out.
import * as wasm from "../../dist/tokenizer/index.js";
import * as js from "../../dist/tokenizer/js-index.js";
import { runSuite } from "./suite.mjs";

const { default: cases } = await import("../../test-results/runtimes/cases.mjs");
const syncAtImport = wasm.isReady();
await wasm.init(wasm.SIMD_SUPPORTED ? ["simd", "scalar"] : ["scalar"]);
console.log(JSON.stringify({ ...runSuite({ wasm, js, cases }), syncAtImport }));
