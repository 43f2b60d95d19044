// IMF-fixdate (RFC 9110 §5.6.7) into DATE_BUF, the twin of src/tokenizer/date-js.ts: the same
// days-to-civil arithmetic (Howard Hinnant, https://howardhinnant.github.io/date_algorithms.html),
// written as bytes the way AssemblyScript's std/assembly/date.ts and util/number.ts do.

import { DATE_BUF, DAY_NAMES, MONTH_NAMES } from "./tables";

/** Floor division, as Math.floor(a / b) in date-js.ts. */
function floorDiv(a: i64, b: i64): i64 {
  const q = a / b;
  return q * b > a ? q - 1 : q;
}

/** Write `Sun, 06 Nov 1994 08:49:37 GMT` for whole seconds since 1970-01-01 into DATE_BUF and
 * return its length: 29 for years 1000 to 9999. The caller keeps |seconds| within the range of
 * a JavaScript Date (8.64e12), where date-js.ts's float arithmetic is exact. */
export function formatDate(seconds: f64): i32 {
  const secs = <i64>Math.floor(seconds);
  const days = floorDiv(secs, 86400);
  let rem = secs - days * 86400;
  const hh = rem / 3600;
  rem -= hh * 3600;
  const mm = rem / 60;
  const ss = rem - mm * 60;
  // civil_from_days
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const d = doy - (153 * mp + 2) / 5 + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const wd = ((days % 7) + 7) % 7;
  let p = name3(DATE_BUF, DAY_NAMES, <i32>wd);
  p = text2(p, 0x2c, 0x20);
  p = two(p, <i32>d);
  store<u8>(p++, 0x20);
  p = name3(p, MONTH_NAMES, <i32>m - 1);
  store<u8>(p++, 0x20);
  p = year(p, y);
  store<u8>(p++, 0x20);
  p = two(p, <i32>hh);
  store<u8>(p++, 0x3a);
  p = two(p, <i32>mm);
  store<u8>(p++, 0x3a);
  p = two(p, <i32>ss);
  p = text2(p, 0x20, 0x47);
  p = text2(p, 0x4d, 0x54);
  return <i32>(p - DATE_BUF);
}

function name3(p: usize, names: usize, index: i32): usize {
  const from = names + <usize>(index * 3);
  store<u8>(p, load<u8>(from));
  store<u8>(p + 1, load<u8>(from + 1));
  store<u8>(p + 2, load<u8>(from + 2));
  return p + 3;
}

function text2(p: usize, a: u8, b: u8): usize {
  store<u8>(p, a);
  store<u8>(p + 1, b);
  return p + 2;
}

/** Two digits, zero-padded (values 0 to 99). */
function two(p: usize, n: i32): usize {
  return text2(p, <u8>(0x30 + n / 10), <u8>(0x30 + n % 10));
}

/** The year as `${y}` prints it: no padding, a minus sign below zero. */
function year(p: usize, y: i64): usize {
  if (y < 0) {
    store<u8>(p++, 0x2d);
    y = -y;
  }
  let digits = 1;
  for (let t = y; t >= 10; t /= 10) digits++;
  for (let i = digits - 1; i >= 0; i--) {
    store<u8>(p + <usize>i, <u8>(0x30 + y % 10));
    y /= 10;
  }
  return p + <usize>digits;
}
