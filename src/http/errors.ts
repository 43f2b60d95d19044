// Errors the http layer raises, named as the Python exceptions they stand for. The handler
// (handler.ts) answers ChunkedEncodingError with 400; ValueError is a programming error
// (an unsafe header), reported like any other handler exception.

/** A malformed chunked request body (RFC 9112 §7.1): answered 400, the connection closed. */
export class ChunkedEncodingError extends Error {
  override name = "ChunkedEncodingError";
}

/** Python's ValueError: an argument with the right type and a wrong value. */
export class ValueError extends Error {
  override name = "ValueError";
}
