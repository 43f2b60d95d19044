// Where the npm packages `deno` and `bun` put their binaries: the binaries themselves, never a
// Node wrapper script (deno's bin.cjs before its postinstall ran would swallow the signals the
// smoke tests send). Bun's postinstall moves its binary out of @oven/bun-<platform> into
// node_modules/bun/bin; deno's copies @deno/<platform>/deno to node_modules/deno/deno. After an
// install with --ignore-scripts both are still in their platform packages, used then.

import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export function runtimeBinary(name: "deno" | "bun"): string {
  if (name === "deno") {
    const os = process.platform === "win32" ? "win32" : process.platform;
    const arch = process.arch === "arm64" ? "arm64" : "x64";
    for (const path of [join(root, "node_modules", "deno", "deno"), join(root, "node_modules", "@deno", `${os}-${arch}${os === "linux" ? "-glibc" : ""}`, "deno")]) {
      if (existsSync(path)) return path;
    }
  }
  if (name === "bun") {
    const arch = process.arch === "arm64" ? "aarch64" : "x64";
    const platform = join(root, "node_modules", "@oven", `bun-${process.platform}-${arch}`, "bin", "bun");
    if (existsSync(platform)) return platform;
  }
  return join(root, "node_modules", ".bin", name);
}
