// The errors the socket layer raises, named after the Python exceptions a socketserver user
// knows (socket.timeout is TimeoutError since 3.10). Raised by socket-reader.ts and
// socket-writer.ts; the HTTP handler (src/http/handler.ts) tells them apart from handler bugs.

/** No bytes moved for the handler's `timeout` seconds (Python's socket timeout). */
export class TimeoutError extends Error {
  override name = "TimeoutError";
  constructor(message = "timed out") {
    super(message);
  }
}

/** Writing to a connection the peer has closed or reset. */
export class BrokenPipeError extends Error {
  override name = "BrokenPipeError";
  constructor(message = "the client closed the connection") {
    super(message);
  }
}

/** Reading from a connection that ended (or was reset) before the expected bytes arrived. */
export class ConnectionResetError extends Error {
  override name = "ConnectionResetError";
  constructor(message = "the client closed the connection before the request body ended") {
    super(message);
  }
}

/** The peer went away: errors that cost the connection only, never a stack trace. */
export function isDisconnect(error: unknown): boolean {
  return error instanceof BrokenPipeError || error instanceof ConnectionResetError;
}
