// What the `basehttp` command prints once listening: CPython's "Serving HTTP on ..." line, and
// when bound to all interfaces a second line with the URLs one can open (this machine, then the
// other machines of the network), and the messages of errors at bind time.

import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";

/** CPython's line (3.14's `Serving HTTPS on ... (https://...)` when serving TLS). */
export function servingLine(host: string, port: number, tls: boolean): string {
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const protocol = tls ? "HTTPS" : "HTTP";
  return `Serving ${protocol} on ${host} port ${port} (${protocol.toLowerCase()}://${urlHost}:${port}/) ...`;
}

/** True for the addresses that mean every interface. */
export function allInterfaces(host: string): boolean {
  return host === "::" || host === "0.0.0.0" || host === "" || host === "::ffff:0.0.0.0";
}

/**
 * The second line when bound to `host` = all interfaces: `Local: URL ...  Network: URL ...`,
 * loopback first, IPv6 only when bound to `::` (link-local addresses left out: they need a zone).
 */
export function urlsLine(
  host: string,
  port: number,
  tls: boolean,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string {
  const scheme = tls ? "https" : "http";
  const v6 = host.includes(":");
  const local: string[] = [];
  const network: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family === "IPv6" && (!v6 || info.address.toLowerCase().startsWith("fe80"))) continue;
      const url = `${scheme}://${info.family === "IPv6" ? `[${info.address}]` : info.address}:${port}/`;
      (info.internal ? local : network).push(url);
    }
  }
  if (local.length === 0) local.push(`${scheme}://127.0.0.1:${port}/`);
  const byFamily = (a: string, b: string) => Number(a.includes("[")) - Number(b.includes("["));
  local.sort(byFamily);
  network.sort(byFamily);
  return `Local: ${local.join(" ")}` + (network.length > 0 ? `  Network: ${network.join(" ")}` : "");
}

/** A clear message for an error at bind time (port taken, privileged port), else the error's own. */
export function bindErrorMessage(error: unknown, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (code === "EADDRINUSE") {
    return `port ${port} is already in use (${where}, EADDRINUSE): stop the other server or choose another port, e.g. basehttp ${port === 8000 ? 8080 : 8000}`;
  }
  if (code === "EACCES" || code === "EPERM") {
    return port < 1024
      ? `port ${port} is privileged (${where}, ${code}): ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a port from 1024 up, e.g. basehttp 8000`
      : `not allowed to listen on ${where} (${code})`;
  }
  if (code === "EADDRNOTAVAIL") return `cannot bind ${where}: no interface of this machine has that address (EADDRNOTAVAIL)`;
  return (error as Error).message;
}
