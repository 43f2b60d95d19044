import { backend } from "./backends.js";
import { runCases } from "./cases.case.js";
runCases(backend("wasm-scalar"));
