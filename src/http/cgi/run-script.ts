// Running one CGI script for CGIHTTPRequestHandler (src/http/cgi-handler.ts): child_process.spawn
// (no shell) in its own process group, the request body fed to its stdin in bounded chunks as
// the pipe drains, its stdout copied to the client as it comes (paused while the socket is
// backed up), its stderr kept for the log. A client that leaves, or a time limit, kills the group.

import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:os";
import type { Duplex, Writable } from "node:stream";

/** Bytes of request body read and written to the script's stdin per step. */
const STDIN_CHUNK = 64 * 1024;
/** Bytes of the script's stderr kept for the log; the rest is counted and dropped. */
const STDERR_LIMIT = 64 * 1024;
/** Milliseconds between SIGTERM and SIGKILL when the script must stop. */
const KILL_GRACE_MS = 2000;
/** Processes in their own group are killed with it (grandchildren such as `sleep` of a shell script). */
const OWN_GROUP = process.platform !== "win32";

/** Scripts still running, stopped if the server process exits first (they are in their own group). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (OWN_GROUP) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

function track(child: ChildProcess): void {
  live.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const c of live) signalGroup(c, "SIGTERM");
    });
  }
}

interface ScriptSpec {
  command: string;
  args: string[];
  /** argv[0] the script sees (CPython's fork path passes the script's URL name). */
  argv0?: string;
  env: Record<string, string>;
  /** The request body: read1(n) gives what has arrived (at most n bytes), empty at its end. */
  body: { read1(n: number): Promise<Uint8Array> };
  /** Copy output to the client; a returned promise means: wait before sending more. */
  output(chunk: Buffer): Promise<void> | undefined;
  /** The client connection: once it is closed or reset, the script is killed. (A client that
   * only half-closes after its request still gets the output: TCPServer allows half-open.) */
  connection: Duplex;
  /** Seconds the script may run; null: no limit. */
  timeout: number | null;
}

interface ScriptResult {
  /** As Python's Popen.returncode: the exit code, or minus the signal number. */
  status: number;
  /** The script's stderr (at most STDERR_LIMIT bytes of it). */
  stderr: Buffer;
  /** Why the script was stopped early, if it was. */
  killed: "disconnect" | "timeout" | "body" | null;
  /** spawn() itself failed (no such interpreter, not executable...). */
  spawnError: Error | null;
  /** Reading the request body failed (the client left, or a malformed chunked body). */
  bodyError: unknown;
}

/** Resolve when `stream` asks for more, or cannot take any more (closed or failed). */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off("drain", done);
      stream.off("close", done);
      stream.off("error", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
    stream.on("error", done);
  });
}

/** Spawn the script and run it to the end: body in, output out. Never throws. */
export function runScript(spec: ScriptSpec): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const result: ScriptResult = { status: 0, stderr: Buffer.alloc(0), killed: null, spawnError: null, bodyError: null };
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, {
        env: spec.env,
        stdio: ["pipe", "pipe", "pipe"],
        detached: OWN_GROUP,
        windowsHide: true,
        ...(spec.argv0 !== undefined ? { argv0: spec.argv0 } : {}),
      });
    } catch (error) {
      resolve({ ...result, status: 127, spawnError: error as Error });
      return;
    }
    track(child);
    let finished = false;
    let killTimer: NodeJS.Timeout | null = null;
    let pendingOutput: Promise<void> | undefined;
    const stderr: Buffer[] = [];
    let stderrBytes = 0;

    const stop = (why: "disconnect" | "timeout" | "body"): void => {
      if (finished || result.killed !== null) return;
      result.killed = why;
      // Output is dropped from now on; keep the pipe flowing so the child can be reaped.
      child.stdout?.resume();
      signalGroup(child, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(child, "SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    const onDisconnect = (): void => stop("disconnect");
    spec.connection.on("close", onDisconnect);
    if (spec.connection.destroyed) stop("disconnect");
    const runTimer = spec.timeout !== null && spec.timeout !== undefined
      ? setTimeout(() => stop("timeout"), Math.max(0, spec.timeout * 1000))
      : null;

    const stdin = child.stdin!;
    const stdout = child.stdout!;
    // EPIPE when the script exits or closes stdin before the body is all written: the rest is dropped.
    stdin.on("error", () => undefined);
    stdout.on("data", (chunk: Buffer) => {
      if (result.killed !== null) return;
      let pending: Promise<void> | undefined;
      try {
        pending = spec.output(chunk);
      } catch {
        stop("disconnect");
        return;
      }
      if (pending !== undefined) {
        stdout.pause();
        pendingOutput = pending.then(
          () => void stdout.resume(),
          () => stop("disconnect"),
        );
      }
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      if (stderrBytes < STDERR_LIMIT) stderr.push(chunk.subarray(0, STDERR_LIMIT - stderrBytes));
      stderrBytes += chunk.length;
    });

    const feed = async (): Promise<void> => {
      try {
        for (;;) {
          const chunk = await spec.body.read1(STDIN_CHUNK);
          if (chunk.length === 0 || finished || stdin.destroyed) break;
          if (!stdin.write(chunk)) await drained(stdin);
        }
      } catch (error) {
        result.bodyError = error;
        stop("body");
      }
      if (!stdin.destroyed) stdin.end();
    };

    child.on("error", (error) => {
      // spawn failed (ENOENT, EACCES): 'close' follows.
      result.spawnError ??= error;
    });
    child.on("close", (code, signal) => {
      finished = true;
      live.delete(child);
      spec.connection.off("close", onDisconnect);
      if (runTimer !== null) clearTimeout(runTimer);
      if (killTimer !== null) clearTimeout(killTimer);
      if (result.spawnError !== null) result.status = 127;
      else if (code !== null) result.status = code;
      else result.status = -(constants.signals[signal as keyof typeof constants.signals] ?? 0);
      result.stderr = Buffer.concat(stderr);
      // The last output reaches the socket before we return, unless the client is gone.
      if (result.killed !== null) resolve(result);
      else void Promise.resolve(pendingOutput).then(() => resolve(result));
    });
    if (child.pid !== undefined) void feed();
  });
}
