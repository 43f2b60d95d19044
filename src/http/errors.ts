// The error the http layer raises beyond Python's own (src/py/errors.ts): a malformed chunked
// body, raised by the chunked decoder (chunked.ts) and answered 400 by the handler
// (handler.ts), which then closes the connection.

/** A malformed chunked request body (RFC 9112 §7.1): answered 400, the connection closed. */
export class ChunkedEncodingError extends Error {
  override name = "ChunkedEncodingError";
}
