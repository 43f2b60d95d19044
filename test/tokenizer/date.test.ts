// formatDate of every tokenizer backend (the IMF-fixdate behind date_time_string, RFC 9110
// §5.6.7): fixed instants whose text comes from CPython's datetime (leap days, centuries, the
// 2^31 and 2^32 second marks, the last second of 9999), then random instants against
// Date.prototype.toUTCString, which prints the same format for years 1970 to 9999.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { allBackends } from "./backends.js";

/** [seconds since the epoch, text], computed with Python's datetime in UTC. */
const KNOWN: Array<[number, string]> = [
  [0, "Thu, 01 Jan 1970 00:00:00 GMT"],
  [59, "Thu, 01 Jan 1970 00:00:59 GMT"],
  [86399, "Thu, 01 Jan 1970 23:59:59 GMT"],
  [86400, "Fri, 02 Jan 1970 00:00:00 GMT"],
  [94694399, "Sun, 31 Dec 1972 23:59:59 GMT"],
  [784111777, "Sun, 06 Nov 1994 08:49:37 GMT"],
  [951782400, "Tue, 29 Feb 2000 00:00:00 GMT"],
  [951868799, "Tue, 29 Feb 2000 23:59:59 GMT"],
  [1709208000, "Thu, 29 Feb 2024 12:00:00 GMT"],
  [2147483647, "Tue, 19 Jan 2038 03:14:07 GMT"],
  [2147483648, "Tue, 19 Jan 2038 03:14:08 GMT"],
  [4102444800, "Fri, 01 Jan 2100 00:00:00 GMT"],
  [4107542399, "Sun, 28 Feb 2100 23:59:59 GMT"],
  [4107542400, "Mon, 01 Mar 2100 00:00:00 GMT"],
  [4294967295, "Sun, 07 Feb 2106 06:28:15 GMT"],
  [4294967296, "Sun, 07 Feb 2106 06:28:16 GMT"],
  [13574563200, "Tue, 29 Feb 2400 00:00:00 GMT"],
  [253402300799, "Fri, 31 Dec 9999 23:59:59 GMT"],
];

const LAST_SECOND_OF_9999 = 253402300799;

for (const tok of allBackends()) {
  describe(`formatDate: ${tok.name}`, () => {
    test.each(KNOWN)("%d is %s", (seconds, text) => {
      expect(tok.formatDate(seconds)).toBe(text);
    });

    test("the seconds around every 1 March and 1 January from 1970 to 2400", () => {
      for (let year = 1970; year <= 2400; year++) {
        for (const month of [0, 2]) {
          const s = Date.UTC(year, month, 1) / 1000;
          for (const d of [-1, 0, 1]) {
            if (s + d >= 0) expect(tok.formatDate(s + d)).toBe(new Date((s + d) * 1000).toUTCString());
          }
        }
      }
    });

    test("random instants from 1970 to 9999 match Date.prototype.toUTCString (5,000)", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: LAST_SECOND_OF_9999 }), (s) => {
          expect(tok.formatDate(s)).toBe(new Date(s * 1000).toUTCString());
        }),
        { numRuns: 5000 },
      );
    });
  });
}
