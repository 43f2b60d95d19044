// The live connections of an HTTPServer (connection.ts registers each; sleeper.ts those that
// have sent nothing yet): one timer sweeps their deadlines (head, keep-alive idle, body
// discard), and shutdown drains them. They are kept in a
// list threaded through the connections themselves (no hash set entry per connection).

/** What the registry keeps: a connection (connection.ts), or a handler asleep until its
 * connection's first input (sleeper.ts). Linked through its own two fields. */
export interface Live {
  liveNext: Live | null;
  livePrevious: Live | null;
  /** Date.now() after which expire() is called; 0: none. */
  deadline: number;
  expire(): void;
  /** The server shuts down (see Connection.drain). */
  drain(closeIdle: boolean): void;
}

/** Milliseconds idle connections stay open once the server shuts down (a request on its way). */
const DRAIN_GRACE_MS = 100;

/** A server's live connections: one timer sweeps their deadlines; shutdown drains them. */
export class ConnectionRegistry {
  /** The most recently added connection; each links to the one added before it. */
  #first: Live | null = null;
  #size = 0;
  readonly #interval: number;
  #timer: NodeJS.Timeout | null = null;

  /** `limits`: the time limits in seconds; the sweep runs a few times per shortest one. */
  constructor(...limits: number[]) {
    const finite = limits.filter((s) => s > 0 && Number.isFinite(s));
    const shortest = finite.length > 0 ? Math.min(...finite) * 1000 : 1000;
    this.#interval = Math.min(1000, Math.max(10, Math.floor(shortest / 4)));
  }

  get size(): number {
    return this.#size;
  }

  add(connection: Live): void {
    if (this.#has(connection)) return;
    const first = this.#first;
    connection.liveNext = first;
    connection.livePrevious = null;
    if (first !== null) first.livePrevious = connection;
    this.#first = connection;
    this.#size++;
    if (this.#timer === null) {
      this.#timer = setInterval(this.#sweep, this.#interval);
      this.#timer.unref();
    }
  }

  delete(connection: Live): void {
    if (!this.#has(connection)) return;
    const { livePrevious: previous, liveNext: next } = connection;
    if (previous === null) this.#first = next;
    else previous.liveNext = next;
    if (next !== null) next.livePrevious = previous;
    connection.liveNext = connection.livePrevious = null;
    // The timer stays (unref'd) when the last one leaves: the next sweep that finds none stops
    // it. One connection per request would otherwise clear and make a timer each time the
    // server's last connection closes.
    this.#size--;
  }

  #has(connection: Live): boolean {
    return connection.livePrevious !== null || this.#first === connection;
  }

  /** Each live connection, in turn; one may leave while it is visited. */
  *#each(): Generator<Live> {
    for (let c = this.#first; c !== null; ) {
      const next = c.liveNext;
      yield c;
      c = next;
    }
  }

  #sweep = (): void => {
    if (this.#first === null) {
      clearInterval(this.#timer!);
      this.#timer = null;
      return;
    }
    const now = Date.now();
    for (let c: Live | null = this.#first; c !== null; ) {
      const next: Live | null = c.liveNext;
      if (c.deadline !== 0 && now >= c.deadline) c.expire();
      c = next;
    }
  };

  /** Close every connection once it is idle: after a grace, so that a request already on its
   * way on an idle connection is answered (saying Connection: close), not lost to the close. */
  drain(): void {
    for (const c of this.#each()) c.drain(false);
    setTimeout(() => {
      for (const c of this.#each()) c.drain(true);
    }, DRAIN_GRACE_MS).unref();
  }
}
