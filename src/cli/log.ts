// The command's request log on stderr: the lines CPython's log_message writes, byte for byte,
// but gathered over one event-loop turn and written together (one write(2) for all the requests
// answered in the turn, not one each: a system call is a tenth of a keep-alive request's CPU on
// loopback). Written at the end of the turn (setImmediate) and before the process exits.

let pending = "";
let scheduled = false;
let hooked = false;

/** Write what is pending now. */
export function flushLog(): void {
  scheduled = false;
  if (pending === "") return;
  const text = pending;
  pending = "";
  process.stderr.write(text);
}

/** Queue one line (with its newline) for stderr. */
export function logLine(text: string): void {
  pending += text;
  if (scheduled) return;
  scheduled = true;
  setImmediate(flushLog);
  if (!hooked) {
    hooked = true;
    process.on("exit", flushLog);
  }
}
