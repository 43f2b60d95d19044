// nginx in front of basehttp, for test/nginx/nginx.test.ts (issue 7 item 5): a config generated
// into a temporary directory (loopback ports, every path inside that directory, no root, the
// current user), nginx started in the foreground, and stopped. The proxy settings are those of
// examples/nginx.conf, the documented way to run basehttp on more than one machine.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import { join } from "node:path";

/** The nginx binary: $NGINX, else the first of PATH and /usr/sbin (Debian puts it there). */
function nginxBinary(): string {
  const candidates = [process.env["NGINX"], "nginx", "/usr/sbin/nginx", "/usr/local/sbin/nginx"].filter((c): c is string => !!c);
  for (const c of candidates) {
    if (spawnSync(c, ["-v"], { stdio: "ignore" }).status === 0) return c;
  }
  throw new Error("nginx not found: .ci/run installs it (apt-get install nginx-light); or set NGINX=/path/to/nginx");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Front {
  /** Proxies to the named upstream: one per basehttp backend, and both round-robin. */
  ports: Record<string, number>;
  dir: string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** The proxy settings of examples/nginx.conf's location, plus X-Client for the test. */
const LOCATION = `
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Client $remote_addr:$remote_port;
      proxy_next_upstream error timeout;
      proxy_buffering off;
      proxy_request_buffering off;`;

/** nginx with one upstream per entry of `upstreams` (name -> basehttp ports), each on its own port. */
export async function startNginx(upstreams: Record<string, number[]>, upstreamIdleS: number): Promise<Front> {
  const bin = nginxBinary();
  const dir = mkdtempSync(join(os.tmpdir(), "basehttp-nginx-"));
  const ports: Record<string, number> = {};
  let blocks = "";
  for (const [name, backends] of Object.entries(upstreams)) {
    ports[name] = await freePort();
    blocks += `
  upstream ${name} {
${backends.map((p) => `    server 127.0.0.1:${p} max_fails=0;`).join("\n")}
    keepalive 8;
    keepalive_timeout ${Math.round(upstreamIdleS * 1000)}ms;
  }
  server {
    listen 127.0.0.1:${ports[name]};
    location / {
      proxy_pass http://${name};${LOCATION}
    }
  }`;
  }
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_timeout 2s;
  client_header_timeout 3s;
  client_body_timeout 3s;
${blocks}
}
`;
  writeFileSync(join(dir, "nginx.conf"), conf);
  const child: ChildProcess = spawn(bin, ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Ready when every port accepts.
  const deadline = Date.now() + 10_000;
  for (const port of Object.values(ports)) {
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, "127.0.0.1", () => {
          s.destroy();
          resolve(true);
        });
        s.once("error", () => resolve(false));
      });
      if (ok) break;
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`nginx did not start: ${stderr}\n${readLog(dir)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    ports,
    dir,
    errorLog: () => readLog(dir),
    async stop() {
      child.kill("SIGQUIT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, "error.log"), "utf8");
  } catch {
    return "";
  }
}
