// The command's request log on stderr: the lines CPython's log_message writes, byte for byte,
// but gathered and written together: one write(2) for all the requests answered within
// FLUSH_MS, not one each (a system call costs about as much as the rest of a log line, and with
// one request per connection an event-loop turn rarely answers more than one or two). A line
// waits at most FLUSH_MS (or until FLUSH_AT characters are pending), and is written before the
// process exits (process.exit, a signal handled by the command, the end of the event loop).

/** The longest a line waits before it is written, in milliseconds: below what a person watching
 * the log can tell. */
export const FLUSH_MS = 10;
/** Pending characters from which the lines are written at once. */
export const FLUSH_AT = 16 * 1024;

let pending = "";
let timer: NodeJS.Timeout | null = null;
let hooked = false;

/** Write what is pending now. */
export function flushLog(): void {
  if (timer !== null) {
    clearTimeout(timer);
    timer = null;
  }
  if (pending === "") return;
  const text = pending;
  pending = "";
  process.stderr.write(text);
}

function flushLater(): void {
  timer = null;
  flushLog();
}

/** Queue one line (with its newline) for stderr. */
export function logLine(text: string): void {
  pending += text;
  if (pending.length >= FLUSH_AT) return flushLog();
  if (timer !== null) return;
  // Unref'd: a pending line never keeps the process alive; the exit hook writes it.
  timer = setTimeout(flushLater, FLUSH_MS).unref();
  if (!hooked) {
    hooked = true;
    process.on("exit", flushLog);
  }
}
