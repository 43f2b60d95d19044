// The token-table layout and violation codes, repeated for the WASM side: the same numbers as
// src/contract/layout.ts and src/contract/violations.ts (documented there).
// test/tokenizer/layout.test.ts reads these back from both binaries and holds them equal.

export const T_OUTCOME: i32 = 0;
export const T_VIOLATION: i32 = 1;
export const T_VIOLATION_AT: i32 = 2;
export const T_SCAN_POS: i32 = 3;
export const T_LINE_START: i32 = 4;
export const T_METHOD_OFF: i32 = 5;
export const T_METHOD_LEN: i32 = 6;
export const T_TARGET_OFF: i32 = 7;
export const T_TARGET_LEN: i32 = 8;
export const T_VERSION_OFF: i32 = 9;
export const T_VERSION_LEN: i32 = 10;
export const T_VERSION_MAJOR: i32 = 11;
export const T_VERSION_MINOR: i32 = 12;
export const T_WORDS: i32 = 13;
export const T_REQUEST_LINE_END: i32 = 14;
export const T_FLAGS: i32 = 15;
export const T_CL_HI: i32 = 16;
export const T_CL_LO: i32 = 17;
export const T_HEADER_COUNT: i32 = 18;
export const T_TE_AT: i32 = 19;
export const T_REQUEST_LINE_START: i32 = 20;
export const T_HEADERS: i32 = 21;
export const HEADER_SLOTS: i32 = 5;
export const HEADER_NAME_ID: i32 = 4;
export const MAX_HEADERS: i32 = 100;
export const TABLE_SLOTS: i32 = T_HEADERS + HEADER_SLOTS * MAX_HEADERS;

export const OUTCOME_NEED_MORE: i32 = 0;
export const OUTCOME_VIOLATION: i32 = -1;
/** The line starting at T_LINE_START is not in memory: the loader copies it and calls again. */
export const OUTCOME_NEED_LINE: i32 = -2;

export const F_HAS_CONTENT_LENGTH: i32 = 1;
export const F_HAS_TRANSFER_ENCODING: i32 = 2;
export const F_CHUNKED: i32 = 4;
export const F_CONNECTION_CLOSE: i32 = 8;
export const F_CONNECTION_KEEP_ALIVE: i32 = 16;
export const F_EXPECT_CONTINUE: i32 = 32;
export const F_HTTP09: i32 = 64;
export const F_SEEN_CONNECTION: i32 = 128;
export const F_SEEN_EXPECT: i32 = 256;
export const F_CHUNKED_NOT_LAST: i32 = 512;

export const MAX_REQUEST_LINE: i32 = 65536;
export const MAX_HEADER_LINE: i32 = 65536;
export const MAX_EMPTY_LINES: i32 = 8;
export const MAX_HEADER_LINES: i32 = 100;
export const DEFAULT_HEAD_LIMIT: i32 = 1024 * 1024;
export const CONTENT_LENGTH_LIMIT: i64 = 100_000_000_000_000;
export const VERSION_NUMBER_CAP: i32 = 999_999_999;

export const NAME_HASH_SHIFT: i32 = 23;
export const NAME_HASH_SLOTS: i32 = 512;
export const NAME_ENTRY_BYTES: i32 = 32;
export const MAX_NAME_ID_LEN: i32 = 31;
export const MAX_NAME_ID: i32 = 255;
export const NAME_ENTRIES_AT: i32 = 2 * NAME_HASH_SLOTS;
export const NAME_BLOCK_AT: i32 = NAME_ENTRIES_AT + NAME_ENTRY_BYTES * (MAX_NAME_ID + 1);
export const NAME_BLOCK_SLOTS: i32 = 512;
export const NAME_BLOCK_SHIFT: i32 = 23;
export const NAME_BLOCK_MULTIPLIER: i32 = 0x59286205;
export const NAME_BLOCK_IDS_AT: i32 = NAME_BLOCK_AT + 16 * NAME_BLOCK_SLOTS;
export const NAME_BLOCK_SPECIAL: i32 = 0x100;
export const NAME_BLOCK_CONNECTION: i32 = 0x200;
export const NAME_TABLE_BYTES: i32 = NAME_BLOCK_IDS_AT + 2 * NAME_BLOCK_SLOTS;

export const V_NONE: i32 = 0;
export const V_EMPTY_REQUEST_LINE: i32 = 1;
export const V_REQUEST_LINE_TOO_LONG: i32 = 2;
export const V_BAD_REQUEST_SYNTAX: i32 = 3;
export const V_BAD_VERSION: i32 = 4;
export const V_VERSION_NOT_SUPPORTED: i32 = 5;
export const V_BAD_HTTP09_METHOD: i32 = 6;
export const V_HEADER_LINE_TOO_LONG: i32 = 7;
export const V_TOO_MANY_HEADERS: i32 = 8;
export const V_HEAD_TOO_LARGE: i32 = 9;
export const V_BARE_CR: i32 = 10;
export const V_BARE_LF: i32 = 11;
export const V_HEADER_CONTROL_CHAR: i32 = 12;
export const V_INVALID_HEADER_NAME: i32 = 13;
export const V_WHITESPACE_BEFORE_COLON: i32 = 14;
export const V_MISSING_COLON: i32 = 15;
export const V_OBS_FOLD: i32 = 16;
export const V_INVALID_CONTENT_LENGTH: i32 = 17;
export const V_REPEATED_CONTENT_LENGTH: i32 = 18;
export const V_TRANSFER_ENCODING_WITH_CONTENT_LENGTH: i32 = 19;
export const V_TRANSFER_ENCODING_NOT_CHUNKED: i32 = 20;
export const VIOLATION_COUNT: i32 = 21;
