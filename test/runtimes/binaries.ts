// Where the npm packages `deno` and `bun` put their binaries. Bun's postinstall moves the binary
// out of its platform package (@oven/bun-<platform>) into node_modules/bun/bin; after an install
// with --ignore-scripts it is still in the platform package, which is used then.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export function runtimeBinary(name: "deno" | "bun"): string {
  if (name === "bun") {
    const arch = process.arch === "arm64" ? "aarch64" : "x64";
    const platform = join(root, "node_modules", "@oven", `bun-${process.platform}-${arch}`, "bin", "bun");
    if (existsSync(platform)) return platform;
  }
  return join(root, "node_modules", ".bin", name);
}
