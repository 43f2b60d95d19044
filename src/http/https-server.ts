// HTTPSServer and ThreadingHTTPSServer (Lib/http/server.py, CPython 3.14): an HTTPServer whose
// connections speak TLS (node:tls). The listening socket stays TCPServer's; each accepted
// socket is wrapped and handshaken before BaseServer hands it to a handler, so handlers, rfile
// and wfile see plain bytes, exactly as over HTTP.

import { readFile } from "node:fs/promises";
import type { Socket } from "node:net";
import tls from "node:tls";
import type { Duplex } from "node:stream";
import type { RequestHandlerClass } from "../socketserver/base-server.js";
import type { Address } from "../socketserver/request-handler.js";
import { HTTPServer, type HTTPServerOptions } from "./server.js";

/** A key password, as ssl.SSLContext.load_cert_chain takes it: text, bytes, or a function giving either. */
export type TLSPassword = string | Uint8Array | (() => string | Uint8Array);

export interface HTTPSServerOptions extends HTTPServerOptions {
  /** PEM file with the certificate chain, and the private key too when `keyfile` is not given. */
  certfile: string;
  /** PEM file with the private key. */
  keyfile?: string | null;
  /** The password of an encrypted private key. */
  password?: TLSPassword | null;
  /** ALPN protocols offered (default `["http/1.1"]`). */
  alpn_protocols?: string[] | null;
}

function ignore(): void {}

function passphrase(password: TLSPassword | null): string | undefined {
  if (password === null) return undefined;
  const value = typeof password === "function" ? password() : password;
  return typeof value === "string" ? value : Buffer.from(value).toString("utf8");
}

/**
 * An HTTPServer over TLS: `new HTTPSServer([host, port], Handler, { certfile, keyfile?,
 * password?, alpn_protocols? })`, plus any HTTPServer option (`parser`, limits). The
 * certificate and key are loaded before the port is bound: a missing file, a wrong password or
 * a key that does not match rejects `ready`. Protocol versions from TLS 1.2 on, as Python's
 * `ssl.create_default_context()`.
 *
 * A handshake that fails is dropped silently (as Python's accept() failing); one that takes
 * longer than `headTimeout` seconds is dropped too. A client whose ALPN list holds none of
 * `alpn_protocols` gets the fatal no_application_protocol alert RFC 7301 §3.2 asks for (Python
 * goes on without ALPN); a client that offers no ALPN at all is served.
 *
 * May be overridden: `_create_context` (build another tls.SecureContext).
 */
export class HTTPSServer extends HTTPServer {
  certfile: string;
  keyfile: string | null;
  password: TLSPassword | null;
  alpn_protocols: string[];
  /** The TLS context connections are served with; null until the server is bound. */
  context: tls.SecureContext | null = null;
  readonly #handshaking = new Set<tls.TLSSocket>();

  constructor(server_address: Address, RequestHandlerClass: RequestHandlerClass<never>, options: HTTPSServerOptions) {
    if (!options || typeof options.certfile !== "string") throw new TypeError("HTTPSServer needs a certfile option");
    super(server_address, RequestHandlerClass, options);
    this.certfile = options.certfile;
    this.keyfile = options.keyfile ?? null;
    this.password = options.password ?? null;
    this.alpn_protocols = options.alpn_protocols ?? ["http/1.1"];
  }

  /** Load the certificate and key, then bind. */
  override async server_bind(): Promise<void> {
    this.context = await this._create_context();
    await super.server_bind();
  }

  /** A server-side TLS context from `certfile`, `keyfile` and `password`. May be overridden. */
  async _create_context(): Promise<tls.SecureContext> {
    const cert = await readFile(this.certfile);
    const key = this.keyfile !== null ? await readFile(this.keyfile) : cert;
    const pass = passphrase(this.password);
    return tls.createSecureContext({ cert, key, minVersion: "TLSv1.2", ...(pass !== undefined ? { passphrase: pass } : {}) });
  }

  /** TLS decrypts into buffers of its own: accepted sockets are not read into WASM memory. */
  protected override readRegion(): null {
    return null;
  }

  /** Wrap the accepted socket, and hand it on once the handshake is done. */
  protected override enqueue_request(request: Duplex, client_address: Address): void {
    const context = this.context;
    if (context === null) {
      request.destroy();
      return;
    }
    const secure = new tls.TLSSocket(request as Socket, {
      isServer: true,
      secureContext: context,
      ALPNProtocols: this.alpn_protocols,
    });
    // Errors before a handler takes the connection (a failed handshake) cost it only.
    secure.on("error", ignore);
    this.#handshaking.add(secure);
    const timer = this.headTimeout > 0 ? setTimeout(() => secure.destroy(), this.headTimeout * 1000) : null;
    timer?.unref();
    const settle = (): void => {
      if (timer !== null) clearTimeout(timer);
      this.#handshaking.delete(secure);
    };
    secure.once("close", settle);
    secure.once("secure", () => {
      settle();
      secure.off("close", settle);
      // Nothing reads until the handler's reader attaches (as TCPServer's pauseOnConnect).
      secure.pause();
      super.enqueue_request(secure, client_address);
    });
  }

  /** Stop listening; handshakes under way are dropped. */
  override server_close(): void {
    super.server_close();
    for (const secure of this.#handshaking) secure.destroy();
    this.#handshaking.clear();
  }
}

/** As Python's: every connection is already served concurrently, so only the name differs. */
export class ThreadingHTTPSServer extends HTTPSServer {
  daemon_threads = true;
}
