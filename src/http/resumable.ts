// The promise of a loop that runs on callbacks rather than awaits (BaseHTTPRequestHandler's
// handle()): each pass runs as far as it can, and when it must wait it hands a callback to
// whatever it waits for and returns. Nothing stays suspended between passes, so a connection
// waiting for its next request costs this object and three small closures, not a chain of
// suspended async calls (each with its own frame, promise and await closures).

export class Resumable {
  #promise: Promise<void> | null = null;
  #resolve: (() => void) | null = null;
  #reject: ((error: unknown) => void) | null = null;
  /** Run the next pass (a callback for whatever the loop waits on). */
  readonly resume: () => void;
  readonly #finished: () => boolean;
  /** after()'s callbacks, made on its first use. */
  #next: (() => void) | null = null;
  #fail: ((error: unknown) => void) | null = null;

  /** `pass` runs the loop from its top; `finished` says whether it is over after a request. */
  constructor(pass: () => unknown, finished: () => boolean) {
    this.resume = () => void pass();
    this.#finished = finished;
  }

  /** The loop waits: what its caller gets (one promise for all its waits). */
  promise(): Promise<void> {
    return (this.#promise ??= new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    }));
  }

  /** The loop waits for `pending`; it goes on (or is done) once it resolves, fails if it rejects. */
  after(pending: Promise<unknown>): Promise<void> {
    this.#next ??= () => void (this.#finished() ? this.done() : this.resume());
    this.#fail ??= (error) => void this.fail(error);
    pending.then(this.#next, this.#fail);
    return this.promise();
  }

  /** The loop is over: its promise resolves; undefined when it never waited. */
  done(): undefined {
    const resolve = this.#resolve;
    this.#resolve = this.#reject = null;
    this.#promise = null;
    resolve?.();
    return undefined;
  }

  /** The loop failed: its promise rejects with `error`; thrown when it never waited. */
  fail(error: unknown): undefined {
    const reject = this.#reject;
    if (reject === null) throw error;
    this.#resolve = this.#reject = null;
    this.#promise = null;
    reject(error);
    return undefined;
  }
}
