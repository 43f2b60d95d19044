// Python's built-in exceptions that the library raises where CPython raises them, so a
// handler written against the Python manual can tell them apart by name. Leaf module.

/** Python's ValueError: an argument with the right type and a wrong value (e.g. an unsafe
 * header given to send_header, an unsupported %-format character). */
export class ValueError extends Error {
  override name = "ValueError";
}

/** Python's KeyError: a `%(name)s` specifier whose key is not in the mapping. */
export class KeyError extends Error {
  override name = "KeyError";
}

/** Python's OverflowError: a number too large for the conversion asked for. */
export class OverflowError extends Error {
  override name = "OverflowError";
}

/** Python's MemoryError: a result larger than the runtime can hold (a `%*s` width past what a
 * JavaScript string can be). */
export class MemoryError extends Error {
  override name = "MemoryError";
}
