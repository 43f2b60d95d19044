// Static data for the tokenizer, in data segments read with load<u8> (the habit of
// AssemblyScript's std/assembly/util/number.ts): the tchar class table, the lower-case field
// names and values the tokenizer interprets, and the fixed regions the loader reads and writes.
// The input region starts after all of this, at inputPtr() (assembly/index.ts).

import { NAME_TABLE_BYTES, TABLE_SLOTS } from "./layout";

/** tchar (RFC 9110 §5.6.2), one byte per input byte value: 1 = allowed in a field name.
 * The same table as TCHAR in src/contract/charclass.ts. Row by row, with the tchars shown. */
export const TCHAR = memory.data<u8>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 00-0f
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 10-1f
  0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, // 20-2f .!.#$%&'..*+.-..
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, // 30-3f 0123456789......
  0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 40-4f .ABCDEFGHIJKLMNO
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, // 50-5f PQRSTUVWXYZ...^_
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, // 60-6f `abcdefghijklmno
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, // 70-7f pqrstuvwxyz.|.~.
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 80-8f
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 90-9f
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // a0-af
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // b0-bf
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // c0-cf
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // d0-df
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // e0-ef
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // f0-ff
]);

/** "content-length" */
export const CONTENT_LENGTH = memory.data<u8>([0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2d, 0x6c, 0x65, 0x6e, 0x67, 0x74, 0x68]);
/** "transfer-encoding" */
export const TRANSFER_ENCODING = memory.data<u8>([0x74, 0x72, 0x61, 0x6e, 0x73, 0x66, 0x65, 0x72, 0x2d, 0x65, 0x6e, 0x63, 0x6f, 0x64, 0x69, 0x6e, 0x67]);
/** "connection" */
export const CONNECTION = memory.data<u8>([0x63, 0x6f, 0x6e, 0x6e, 0x65, 0x63, 0x74, 0x69, 0x6f, 0x6e]);
/** "expect" */
export const EXPECT = memory.data<u8>([0x65, 0x78, 0x70, 0x65, 0x63, 0x74]);
/** "close" */
export const CLOSE = memory.data<u8>([0x63, 0x6c, 0x6f, 0x73, 0x65]);
/** "keep-alive" */
export const KEEP_ALIVE = memory.data<u8>([0x6b, 0x65, 0x65, 0x70, 0x2d, 0x61, 0x6c, 0x69, 0x76, 0x65]);
/** "100-continue" */
export const CONTINUE_100 = memory.data<u8>([0x31, 0x30, 0x30, 0x2d, 0x63, 0x6f, 0x6e, 0x74, 0x69, 0x6e, 0x75, 0x65]);
/** "chunked" */
export const CHUNKED = memory.data<u8>([0x63, 0x68, 0x75, 0x6e, 0x6b, 0x65, 0x64]);
/** The names special() (assembly/fields.ts) interprets, by first letter & 0x1f (either case; other
 * bytes share an entry, which only costs a comparison): bit n set when one of n bytes starts with
 * it. c: Content-Length (14), Connection (10); t: Transfer-Encoding (17); e: Expect (6). */
export const SPECIAL_LENGTHS = memory.data<u32>([
  0, 0, 0, (1 << 14) | (1 << 10), 0, 1 << 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 1 << 17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);
/** "HTTP/" */
export const HTTP_SLASH = memory.data<u8>([0x48, 0x54, 0x54, 0x50, 0x2f]);

/** Day names from Thursday (1970-01-01 was a Thursday), three bytes each. */
export const DAY_NAMES = memory.data<u8>([0x54, 0x68, 0x75, 0x46, 0x72, 0x69, 0x53, 0x61, 0x74, 0x53, 0x75, 0x6e, 0x4d, 0x6f, 0x6e, 0x54, 0x75, 0x65, 0x57, 0x65, 0x64]);
/** Month names from January, three bytes each. */
export const MONTH_NAMES = memory.data<u8>([0x4a, 0x61, 0x6e, 0x46, 0x65, 0x62, 0x4d, 0x61, 0x72, 0x41, 0x70, 0x72, 0x4d, 0x61, 0x79, 0x4a, 0x75, 0x6e, 0x4a, 0x75, 0x6c, 0x41, 0x75, 0x67, 0x53, 0x65, 0x70, 0x4f, 0x63, 0x74, 0x4e, 0x6f, 0x76, 0x44, 0x65, 0x63]);

/** The token table the loader copies the caller's state into and the results out of. */
export const TABLE = memory.data(TABLE_SLOTS << 2, 16);
/** The common-name table (layout: NAME_* in layout.ts), written by the loader from
 * src/tokenizer/names.ts when it makes an instance; all zero (no name matches) until then. */
export const NAMES = memory.data(NAME_TABLE_BYTES, 16);
/** The formatted date (29 bytes for years 1000 to 9999; up to 40 in general). */
export const DATE_BUF = memory.data(48, 16);
