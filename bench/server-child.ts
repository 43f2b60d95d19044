// One server under load for bench/server.bench.ts, in its own process so it has a core and a
// heap to itself: one of bench/hello-servers.ts (node:http, basehttp with parser wasm or js, a
// raw node:net ceiling; the same servers npm run stress loads).
// Usage: tsx bench/server-child.ts node|net|basehttp-wasm|basehttp-js[@DIR]; prints
// "PORT <n> PARSER <backend>" when listening and runs until SIGTERM.

import { serve } from "./hello-servers.js";

const served = await serve(process.argv[2] ?? "node");
process.stdout.write(`PORT ${served.port} PARSER ${served.parser}\n`);
process.on("SIGTERM", () => {
  void served.shutdown().then(() => process.exit(0));
});
