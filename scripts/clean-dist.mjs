// Removes dist/ before tsc writes it again, so that the files of a module removed from src/
// (src/http/latin1.ts in session 10) do not stay in dist/ and ship in a tarball packed from an
// old checkout: `npm pack` runs `prepare` (the build), which would otherwise only add and overwrite.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

rmSync(fileURLToPath(new URL("../dist", import.meta.url)), { recursive: true, force: true });
