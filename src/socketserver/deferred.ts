// What handle() returns while it waits on callbacks (BaseHTTPRequestHandler between requests):
// a thenable whose promise is made only if someone asks for one (await, then, catch, finally).
// The server that drives the handler itself (base-server.ts) listens with one plain function and
// an argument instead, so a connection waiting for its next request holds no promise, no
// reaction and no closure: just the fields below, on the connection object that extends this.

/** A listener: `arg` is what listen() was given; `failed` says whether `error` is a failure. */
export type Settled = (arg: never, error: unknown, failed: boolean) => void;

const PENDING = 0;
const FULFILLED = 1;
const REJECTED = 2;
/** A bit beside the state: wait() was called. */
const WAITED = 4;

interface Resolvers {
  resolve(): void;
  reject(error: unknown): void;
  promise: Promise<void>;
}

function settlePromise(resolvers: Resolvers, error: unknown, failed: boolean): void {
  if (failed) resolvers.reject(error);
  else resolvers.resolve();
}

/** A listener, then a promise asked for after it. */
function settleBoth(both: [unknown, Resolvers, (a: unknown, e: unknown, f: boolean) => void], error: unknown, failed: boolean): void {
  both[2](both[0], error, failed);
  settlePromise(both[1], error, failed);
}

/**
 * A one-shot completion, PromiseLike (and Promise-shaped, so it can stand where a `Promise<void>`
 * is typed). The owner calls wait() when it hands it out, then done() or fail() once.
 */
export class Deferred implements Promise<void> {
  /** PENDING, FULFILLED or REJECTED, with WAITED. */
  #state = PENDING;
  #listener: Settled | null = null;
  /** The listener's argument, or the failure once rejected. */
  #arg: unknown = undefined;

  get [Symbol.toStringTag](): string {
    return "Deferred";
  }

  /** It is handed out: done() and fail() now settle it rather than return or throw. */
  wait(): Promise<void> {
    this.#state |= WAITED;
    return this;
  }

  /** Whether wait() was called (someone may be listening). */
  get waited(): boolean {
    return (this.#state & WAITED) !== 0;
  }

  /** Call `listener(arg, error, failed)` once, when settled (at once if it is). No promise is
   * made. One listener: a second, or then() after listen(), makes a real promise behind it. */
  listen(listener: Settled, arg: unknown): void {
    if ((this.#state & 3) !== PENDING) {
      const failed = (this.#state & 3) === REJECTED;
      (listener as (a: unknown, e: unknown, f: boolean) => void)(arg, failed ? this.#arg : undefined, failed);
      return;
    }
    if (this.#listener === null) {
      this.#listener = listener;
      this.#arg = arg;
      return;
    }
    const call = listener as (a: unknown, e: unknown, f: boolean) => void;
    this.#real().then(
      () => call(arg, undefined, false),
      (error: unknown) => call(arg, error, true),
    );
  }

  /** Fulfil it; undefined (what the owner returns when it never waited). */
  done(): undefined {
    this.#settle(undefined, false);
    return undefined;
  }

  /** Reject it with `error`; `error` is thrown when it was never handed out (wait()). */
  fail(error: unknown): undefined {
    if (!(this.#state & WAITED)) throw error;
    this.#settle(error, true);
    return undefined;
  }

  #settle(error: unknown, failed: boolean): void {
    if ((this.#state & 3) !== PENDING) return;
    this.#state |= failed ? REJECTED : FULFILLED;
    const listener = this.#listener as ((a: unknown, e: unknown, f: boolean) => void) | null;
    const arg = this.#arg;
    this.#listener = null;
    this.#arg = failed ? error : undefined;
    if (listener !== null) listener(arg, error, failed);
  }

  /** The real promise behind then/catch/finally, made on first use (kept with its resolvers
   * while pending; once settled, a settled promise each time). */
  #real(): Promise<void> {
    const state = this.#state & 3;
    if (state === FULFILLED) return Promise.resolve();
    if (state === REJECTED) return Promise.reject(this.#arg);
    const listener = this.#listener;
    if (listener === settlePromise) return (this.#arg as Resolvers).promise;
    if (listener === settleBoth) return (this.#arg as [unknown, Resolvers])[1].promise;
    const resolvers = {} as Resolvers;
    resolvers.promise = new Promise<void>((resolve, reject) => {
      resolvers.resolve = resolve;
      resolvers.reject = reject;
    });
    if (listener === null) {
      this.#listener = settlePromise as Settled;
      this.#arg = resolvers;
    } else {
      // Already listened to: the listener goes first, then the promise.
      this.#arg = [this.#arg, resolvers, listener];
      this.#listener = settleBoth as Settled;
    }
    return resolvers.promise;
  }

  then<A = void, B = never>(
    onfulfilled?: ((value: void) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#real().then(onfulfilled, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<void | B> {
    return this.#real().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<void> {
    return this.#real().finally(onfinally);
  }
}
