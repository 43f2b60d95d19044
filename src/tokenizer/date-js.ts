// IMF-fixdate (RFC 9110 §5.6.7) in TypeScript, the twin of assembly/date.ts: the same
// days-to-civil arithmetic (Howard Hinnant, https://howardhinnant.github.io/date_algorithms.html).

const DAYS = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function two(n: number): string {
  return n < 10 ? "0" + n : "" + n;
}

/** `Sun, 06 Nov 1994 08:49:37 GMT` for whole seconds since 1970-01-01 (years 1970 to 9999). */
export function formatDateJs(seconds: number): string {
  const secs = Math.floor(seconds);
  const days = Math.floor(secs / 86400);
  let rem = secs - days * 86400;
  const hh = Math.floor(rem / 3600);
  rem -= hh * 3600;
  const mm = Math.floor(rem / 60);
  const ss = rem - mm * 60;
  // civil_from_days
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const wd = ((days % 7) + 7) % 7;
  return `${DAYS[wd]}, ${two(d)} ${MONTHS[m - 1]} ${y} ${two(hh)}:${two(mm)}:${two(ss)} GMT`;
}
