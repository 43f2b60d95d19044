// The live connections of an HTTPServer (connection.ts registers each): one timer sweeps their
// deadlines (head, keep-alive idle, body discard), and shutdown drains them.

import type { Connection } from "./connection.js";

/** Milliseconds idle connections stay open once the server shuts down (a request on its way). */
const DRAIN_GRACE_MS = 100;

/** A server's live connections: one timer sweeps their deadlines; shutdown drains them. */
export class ConnectionRegistry {
  readonly #connections = new Set<Connection>();
  readonly #interval: number;
  #timer: NodeJS.Timeout | null = null;

  /** `limits`: the time limits in seconds; the sweep runs a few times per shortest one. */
  constructor(...limits: number[]) {
    const finite = limits.filter((s) => s > 0 && Number.isFinite(s));
    const shortest = finite.length > 0 ? Math.min(...finite) * 1000 : 1000;
    this.#interval = Math.min(1000, Math.max(10, Math.floor(shortest / 4)));
  }

  get size(): number {
    return this.#connections.size;
  }

  add(connection: Connection): void {
    this.#connections.add(connection);
    if (this.#timer === null) {
      this.#timer = setInterval(this.#sweep, this.#interval);
      this.#timer.unref();
    }
  }

  delete(connection: Connection): void {
    this.#connections.delete(connection);
    if (this.#connections.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #sweep = (): void => {
    const now = Date.now();
    for (const c of this.#connections) if (c.deadline !== 0 && now >= c.deadline) c.expire();
  };

  /** Close every connection once it is idle: after a grace, so that a request already on its
   * way on an idle connection is answered (saying Connection: close), not lost to the close. */
  drain(): void {
    for (const c of this.#connections) c.drain(false);
    setTimeout(() => {
      for (const c of this.#connections) c.drain(true);
    }, DRAIN_GRACE_MS).unref();
  }
}
