// Work for connections the server has not yet heard from waits for the event loop's check
// phase: accepting a connection (its socket and handler objects) and its first bytes (for an
// HTTP server, parsing a head and, for garbage, the error answer). In one turn of the loop, the
// poll phase then serves the reads of connections already under way first (a keep-alive
// client's next request), and only afterwards, in the check phase, the newcomers, at most
// NEWCOMERS_PER_TURN of them before the loop polls again. So a burst of new connections (a
// garbage flood) delays a served connection by one batch, not by the whole burst. Everything
// queued runs, in order; nothing is dropped but the work of a connection destroyed meanwhile.

/** Jobs run in one check phase before the loop polls again (and serves the connections already
 * under way). A job is one accept or one first read; its handler's work (parse, answer) runs
 * in the microtasks right after the batch. */
export const NEWCOMERS_PER_TURN = 8;

type Job = (a: never, b: never) => void;

/** Flat queue of [job, a, b] triples from `head` to `tail`: no object per entry. Slots are
 * cleared as they run, and the array is never shortened: after a burst it keeps its length, so
 * the next burst writes into it instead of growing a new one step by step (a garbage flood
 * queues hundreds of jobs after any pause: each regrowth copied the queue). */
const queue: unknown[] = [];
let head = 0;
let tail = 0;
let scheduled = false;

/** Run `job(a, b)` in the check phase of this turn of the event loop, after every job queued
 * before it (or in a later turn, when NEWCOMERS_PER_TURN are ahead of it). */
export function later<A, B>(job: (a: A, b: B) => void, a: A, b: B): void {
  const at = tail;
  queue[at] = job;
  queue[at + 1] = a;
  queue[at + 2] = b;
  tail = at + 3;
  if (!scheduled) {
    scheduled = true;
    setImmediate(runNewcomers);
  }
}

/** Jobs queued and not yet run. */
export function newcomersWaiting(): number {
  return (tail - head) / 3;
}

function runNewcomers(): void {
  // `scheduled` stays true while the batch runs: a job queued by a job of it is only appended.
  const stop = Math.min(tail, head + NEWCOMERS_PER_TURN * 3);
  while (head < stop) {
    const job = queue[head] as Job;
    const a = queue[head + 1] as never;
    const b = queue[head + 2] as never;
    queue[head] = queue[head + 1] = queue[head + 2] = undefined;
    head += 3;
    try {
      job(a, b);
    } catch (error) {
      // As an exception in an event listener, but after the other jobs of the batch.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
  if (head === tail) {
    // Every slot is cleared: the next job goes to the start again.
    head = tail = 0;
    scheduled = false;
  } else {
    if (head >= 3 * 1024) {
      // A queue that never empties: what is left moves to the front (the slots behind it cleared).
      queue.copyWithin(0, head, tail);
      queue.fill(undefined, tail - head, tail);
      tail -= head;
      head = 0;
    }
    // The rest in the next turn (setImmediate from inside the check phase waits for the next
    // one), after the loop has polled.
    setImmediate(runNewcomers);
  }
}
