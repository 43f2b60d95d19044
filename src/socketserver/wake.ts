// How a connection's reader (socket-reader.ts) wakes the handler waiting for its input: a method
// named by a symbol, not a closure per connection; at once inside the event that brought input
// (as node:http runs its request handler in the socket's `data` event), or for an end, an error
// or a time limit, all in one process.nextTick after the event.

import { holdFlushes, releaseFlushes } from "./socket-writer.js";

/** The method a reader calls on its target when input comes. */
export const WAKE: unique symbol = Symbol("wake");

/** What a reader wakes (the HTTP handler, whose loop goes on): a method, not a closure. */
export interface Wakeable {
  [WAKE](): void;
}

/** Targets to wake once the event that brought their input is over: one process.nextTick for
 * them all, not a closure each (queueMicrotask would make an AsyncResource and a bound function
 * per call); the array is kept (only the count goes back to 0). */
const woken: (Wakeable | null)[] = [];
let wokenCount = 0;
let wakeQueued = false;

/** Wake `target` now, in the event that brought its input: no tick queued, nothing allocated. */
export function wakeNow(target: Wakeable): void {
  holdFlushes();
  try {
    target[WAKE]();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
  releaseFlushes();
}

/** Wake `target` after the current event, as a resolved promise resumes its awaiter. */
export function wakeSoon(target: Wakeable): void {
  woken[wokenCount++] = target;
  if (!wakeQueued) {
    wakeQueued = true;
    process.nextTick(wakeAll);
  }
}

function wakeAll(): void {
  wakeQueued = false;
  // Handlers that answer at once send their answers before this returns: no end-of-turn flush.
  holdFlushes();
  // A target woken here may make another one wake: it is appended and run in this same pass.
  for (let i = 0; i < wokenCount; i++) {
    const target = woken[i]!;
    woken[i] = null;
    try {
      target[WAKE]();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
  wokenCount = 0;
  releaseFlushes();
}
