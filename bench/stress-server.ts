// One server under stress for bench/stress.ts, in its own process (forked with an IPC channel
// and --expose-gc): one of bench/hello-servers.ts (a raw node:net server, node:http, or basehttp
// with parser wasm or js; the same servers npm run bench:server loads), all with the same routes.
// The parent asks by message for RSS, CPU time, peak RSS during an upload and a graceful
// shutdown.

import { serve } from "./hello-servers.js";

type Shutdown = () => Promise<void>;
let shutdown: Shutdown = async () => {};

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) for (let i = 0; i < 3; i++) g();
}

/** RSS sampled every 10 ms between peak-start and peak-stop (upload memory growth). */
let peak = 0;
let sampler: NodeJS.Timeout | null = null;

process.on("message", (m: { cmd: string }) => {
  const reply = (msg: object): void => void process.send!({ cmd: m.cmd, ...msg });
  switch (m.cmd) {
    case "rss":
      gc();
      // Twice, a turn apart: connection close callbacks and finalizers settle in between.
      setTimeout(() => {
        gc();
        reply({ rss: process.memoryUsage().rss });
      }, 200);
      break;
    case "cpu": {
      const u = process.cpuUsage();
      reply({ cpu: (u.user + u.system) / 1e6 });
      break;
    }
    case "peak-start":
      gc();
      peak = process.memoryUsage().rss;
      reply({ rss: peak });
      sampler = setInterval(() => {
        const rss = process.memoryUsage().rss;
        if (rss > peak) peak = rss;
      }, 10);
      break;
    case "peak-stop":
      if (sampler) clearInterval(sampler);
      reply({ peak: Math.max(peak, process.memoryUsage().rss) });
      break;
    case "exit":
      // A normal exit, so that --cpu-prof writes its profile (stress.ts --cpu-prof).
      process.exit(0);
      break;
    case "shutdown": {
      const t = performance.now();
      void shutdown().then(() => reply({ ms: performance.now() - t }));
      break;
    }
  }
});

function ready(port: number, parser: string): void {
  process.send!({ cmd: "ready", port, parser });
}

const served = await serve(process.argv[2] ?? "node");
shutdown = served.shutdown;
ready(served.port, served.parser);
