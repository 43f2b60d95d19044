// Python's string formatting as both layers need it: repr() of a str, the %-operator used by
// log_message and error_message_format, html.escape, and CPython 3.11's control-character
// escaping of log lines. A leaf beside errors.ts and codec.ts: both layers (src/socketserver and
// src/http) may import it; it imports only errors.ts and float-format.ts (%e, %f, %g).

import { KeyError, MemoryError, OverflowError, ValueError } from "./errors.js";
import { exponentDigits, fixedDigits } from "./float-format.js";

/** Code points Python's str.isprintable() refuses (categories Cc Cf Cs Co Cn Zl Zp Zs, except U+0020). */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, "0");
}

/**
 * `repr(s)` of a Python 3 str: single quotes unless the text holds `'` and no `"`; `\\`, `\n`,
 * `\r`, `\t` and the chosen quote escaped; other non-printables as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
 * For header text decoded as ISO-8859-1 that means 0x00-0x1f, 0x7f-0xa0 and 0xad become `\xNN`.
 */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + hex(c, 2);
    else if (c < 0x7f) out += ch;
    else if (!NON_PRINTABLE.test(ch)) out += ch;
    else if (c <= 0xff) out += "\\x" + hex(c, 2);
    else if (c <= 0xffff) out += "\\u" + hex(c, 4);
    else out += "\\U" + hex(c, 8);
  }
  return out + quote;
}

/** `html.escape(s, quote)`: `&`, `<`, `>`, and with `quote` also `"` and `'`. */
export function htmlEscape(s: string, quote = true): string {
  let out = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  if (quote) out = out.replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  return out;
}

/** CPython 3.11 `_control_char_table`: C0 controls and 0x7f-0x9f as the text `\xNN` in log lines,
 * and a backslash doubled (so an escape in the log cannot be forged by the client). */
export function escapeControl(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f\\]/g, (ch) => (ch === "\\" ? "\\\\" : "\\x" + hex(ch.charCodeAt(0), 2)));
}


/** Python's type name for a JS value, for error messages. */
function typeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (Array.isArray(v)) return "list";
  if (v instanceof Uint8Array) return "bytes";
  return typeof v === "object" ? "dict" : typeof v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** Python's int: a JS integer number, a bigint, or a bool. */
function isPyInt(v: unknown): boolean {
  return (typeof v === "number" && Number.isInteger(v)) || typeof v === "bigint" || typeof v === "boolean";
}

/** `repr(v)` for the values JSON and Python share (str, int/float, bool, None, list, dict). */
function pyValueRepr(v: unknown): string {
  if (typeof v === "string") return pyRepr(v);
  if (Array.isArray(v)) return "[" + v.map(pyValueRepr).join(", ") + "]";
  if (isPlainObject(v)) {
    return "{" + Object.entries(v).map(([k, x]) => pyRepr(k) + ": " + pyValueRepr(x)).join(", ") + "}";
  }
  return pyStr(v);
}

/** `str(v)` with Python spellings for the values JSON and Python share. */
function pyStr(v: unknown): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v) || isPlainObject(v)) return pyValueRepr(v);
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    // An integral number is Python's int, written out whole (String(1e21) is "1e+21").
    return Number.isInteger(v) ? (Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString()) : floatRepr(v);
  }
  return String(v);
}

/** repr() of a non-integral float: the shortest digits that round-trip (as JavaScript finds
 * them), in fixed notation for decimal exponents -4 to 15 and as `d.ddde-XX` outside it. */
function floatRepr(x: number): string {
  const [mantissa, exp] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const e = Number(exp);
  let out: string;
  if (e < -4 || e >= 16) out = `${digits[0]}${digits.length > 1 ? "." + digits.slice(1) : ""}e${e < 0 ? "-" : "+"}${Math.abs(e) < 10 ? "0" : ""}${Math.abs(e)}`;
  else if (e < 0) out = "0." + "0".repeat(-e - 1) + digits;
  else out = digits.slice(0, e + 1).padEnd(e + 1, "0") + "." + (digits.slice(e + 1) || "0");
  return x < 0 ? "-" + out : out;
}

/** `s` padded with spaces to `width` code points (Python counts code points, not UTF-16 units). */
function pad(s: string, width: number, left: boolean): string {
  if (width === 0) return s; // log_request's "%s": no width, no count
  let n = 0;
  for (const _ of s) if (++n >= width) return s;
  return left ? s + " ".repeat(width - n) : " ".repeat(width - n) + s;
}

function toNumber(v: unknown, spec: string): number | bigint {
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new TypeError(`%${spec} format: a real number is required, not ${typeName(v)}`);
}

function toInteger(v: unknown, spec: string): bigint {
  if (spec === "*" && !isPyInt(v)) throw new TypeError("* wants int");
  if ((spec === "x" || spec === "X" || spec === "o") && !isPyInt(v)) {
    throw new TypeError(`%${spec} format: an integer is required, not ${typeName(v)}`);
  }
  const n = toNumber(v, spec);
  if (typeof n === "bigint") return n;
  if (!Number.isFinite(n)) {
    if (Number.isNaN(n)) throw new ValueError("cannot convert float NaN to integer");
    throw new OverflowError("cannot convert float infinity to integer");
  }
  return BigInt(Math.trunc(n));
}

interface Spec {
  flags: string;
  width: number;
  precision: number; // -1: none
  type: string;
}

/** `%e` text from exponentDigits: `d.ddde+XX` (two exponent digits at least, as C's printf). */
function exponentText([digits, exponent]: [string, number], alt: boolean): string {
  const point = digits.length > 1 ? "." + digits.slice(1) : alt ? "." : "";
  const e = Math.abs(exponent);
  return `${digits[0]}${point}e${exponent < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
}

/** |x| formatted by `%f`, `%e` or `%g` (float-format.ts: exact, rounded half to even); the
 * caller adds the sign. */
function formatFloat(x: number, spec: Spec): string {
  const t = spec.type.toLowerCase();
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : "inf";
  const alt = spec.flags.includes("#");
  const p = spec.precision < 0 ? 6 : spec.precision;
  if (t === "f") return fixedDigits(x, p) + (alt && p === 0 ? "." : "");
  if (t === "e") return exponentText(exponentDigits(x, p), alt);
  // %g: precision P significant digits; fixed notation when the exponent X of the value rounded
  // to P digits is in -4 <= X < P, else exponent notation; trailing zeros dropped unless '#'.
  const sig = p === 0 ? 1 : p;
  const rounded = exponentDigits(x, sig - 1);
  let out = rounded[1] >= -4 && rounded[1] < sig ? fixedDigits(x, sig - 1 - rounded[1]) : exponentText(rounded, alt);
  if (!alt) {
    const e = out.indexOf("e");
    let mant = e < 0 ? out : out.slice(0, e);
    if (mant.includes(".")) mant = mant.replace(/0+$/, "").replace(/\.$/, "");
    out = mant + (e < 0 ? "" : out.slice(e));
  } else if (!out.includes(".")) {
    const e = out.indexOf("e");
    out = e < 0 ? out + "." : out.slice(0, e) + "." + out.slice(e);
  }
  return out;
}

function applySignAndWidth(body: string, negative: boolean, spec: Spec, prefix = ""): string {
  const sign = negative ? "-" : spec.flags.includes("+") ? "+" : spec.flags.includes(" ") ? " " : "";
  const head = sign + prefix;
  if (spec.flags.includes("-")) return (head + body).padEnd(spec.width, " ");
  if (spec.flags.includes("0")) return head + body.padStart(spec.width - head.length, "0");
  return (head + body).padStart(spec.width, " ");
}

function convert(v: unknown, spec: Spec): string {
  switch (spec.type) {
    case "s":
    case "r":
    case "a": {
      let s = spec.type === "s" ? pyStr(v) : pyValueRepr(v);
      if (spec.type === "a") s = s.replace(/[^\x00-\x7f]/gu, (ch) => {
        const c = ch.codePointAt(0)!;
        return c <= 0xff ? "\\x" + hex(c, 2) : c <= 0xffff ? "\\u" + hex(c, 4) : "\\U" + hex(c, 8);
      });
      if (spec.precision >= 0) s = [...s].slice(0, spec.precision).join("");
      return pad(s, spec.width, spec.flags.includes("-"));
    }
    case "d":
    case "i":
    case "u":
    case "x":
    case "X":
    case "o": {
      const n = toInteger(v, spec.type);
      const neg = n < 0n;
      const abs = neg ? -n : n;
      const radix = spec.type === "x" || spec.type === "X" ? 16 : spec.type === "o" ? 8 : 10;
      let body = abs.toString(radix);
      if (spec.type === "X") body = body.toUpperCase();
      if (spec.precision >= 0) body = body.padStart(spec.precision, "0");
      const prefix = spec.flags.includes("#") && radix !== 10 ? "0" + (spec.type === "o" ? "o" : spec.type) : "";
      return applySignAndWidth(body, neg, spec, prefix);
    }
    case "f":
    case "F":
    case "e":
    case "E":
    case "g":
    case "G": {
      const n = Number(toNumber(v, spec.type));
      let body = formatFloat(n, spec);
      if (spec.type === "F" || spec.type === "E" || spec.type === "G") body = body.toUpperCase();
      const neg = n < 0 || Object.is(n, -0);
      // The '0' flag pads inf and nan with zeros too ('%05f' % inf is '00inf'), as CPython 3.11.
      return applySignAndWidth(body, neg && !Number.isNaN(n), spec);
    }
    case "c": {
      let s: string;
      if (typeof v === "string") {
        if ([...v].length !== 1) throw new TypeError("%c requires int or char");
        s = v;
      } else if (isPyInt(v)) {
        const c = typeof v === "bigint" ? v : BigInt(Number(v));
        if (c < 0n || c > 0x10ffffn) throw new OverflowError("%c arg not in range(0x110000)");
        s = String.fromCodePoint(Number(c));
      } else throw new TypeError("%c requires int or char");
      return pad(s, spec.width, spec.flags.includes("-"));
    }
    default:
      throw new Error("unreachable");
  }
}

const TYPES = "sradiuxXofFeEgGc";

/** A `*` width or precision: an int that fits CPython's C type (OverflowError past it). */
function starArgument(v: unknown, limit: bigint, cType: string): bigint {
  const n = toInteger(v, "*");
  if (n >= limit || n < -limit) throw new OverflowError(`Python int too large to convert to C ${cType}`);
  return n;
}

/**
 * `format % args`, Python's printf-style formatting: `%s %r %a %d %i %u %x %X %o %f %F %e %E
 * %g %G %c %%` with flags `-+ #0`, width and precision (`*` takes them from the arguments), and
 * `%(name)s` keys when `args` is a mapping. An array is Python's tuple; a plain object is a
 * mapping (and, as in Python, the single argument of unnamed specifiers). Mismatches throw what
 * Python raises: TypeError (not enough / not all arguments converted / wrong type), KeyError,
 * ValueError (unsupported format character, incomplete format).
 */
export function percentFormat(format: string, args: unknown[] | Record<string, unknown>): string {
  const tuple = Array.isArray(args);
  const mapping = !tuple && typeof args === "object" && args !== null;
  // CPython's getnextarg: a tuple's items in turn; anything else (the mapping itself, or the
  // value a %(key) just looked up, which `*` and the conversion then share) is one argument.
  let current: unknown = args;
  let argLength = tuple ? args.length : -1;
  let argIndex = tuple ? 0 : -2;
  const next = (): unknown => {
    if (argIndex >= argLength) throw new TypeError("not enough arguments for format string");
    argIndex++;
    return argLength < 0 ? current : (current as unknown[])[argIndex - 1];
  };
  let out = "";
  let i = 0;
  const n = format.length;
  while (i < n) {
    const pct = format.indexOf("%", i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    let key: string | undefined;
    if (format[i] === "(") {
      if (!mapping) throw new TypeError("format requires a mapping");
      let depth = 1;
      const start = ++i;
      while (i < n && depth > 0) {
        if (format[i] === "(") depth++;
        else if (format[i] === ")") depth--;
        i++;
      }
      if (depth > 0) throw new ValueError("incomplete format key");
      key = format.slice(start, i - 1);
      // Looked up at once, before any flag or `*`, as CPython does.
      if (!Object.prototype.hasOwnProperty.call(args, key)) throw new KeyError(pyRepr(key));
      current = (args as Record<string, unknown>)[key];
      argLength = -1;
      argIndex = -2;
    }
    let flags = "";
    while (i < n && "-+ #0".includes(format[i]!)) flags += format[i++];
    let width = 0;
    if (format[i] === "*") {
      // CPython reads a * width as a C ssize_t and a * precision as a C int.
      width = Number(starArgument(next(), 2n ** 63n, "ssize_t"));
      if (width < 0) {
        flags += "-";
        width = -width;
      }
      i++;
    } else while (i < n && format[i]! >= "0" && format[i]! <= "9") width = width * 10 + Number(format[i++]);
    let precision = -1;
    if (format[i] === ".") {
      i++;
      precision = 0;
      if (format[i] === "*") {
        precision = Math.max(0, Number(starArgument(next(), 2n ** 31n, "int")));
        i++;
      } else while (i < n && format[i]! >= "0" && format[i]! <= "9") precision = precision * 10 + Number(format[i++]);
    }
    while (i < n && "hlL".includes(format[i]!)) i++;
    if (i >= n) throw new ValueError("incomplete format");
    const type = format[i++]!;
    // Only a bare "%%" is a percent sign; after a key, flag, width or precision CPython takes an
    // argument for it (TypeError or KeyError if there is none) and then refuses the character.
    if (type === "%" && i === pct + 2) {
      out += "%";
      continue;
    }
    if (type === "%") next();
    if (!TYPES.includes(type)) {
      const c = type.codePointAt(0)!;
      throw new ValueError(`unsupported format character ${pyRepr(type)} (0x${hex(c, 1)}) at index ${i - 1}`);
    }
    const value = next();
    // CPython builds the padded result in memory; a JavaScript string stops at 2**29 - 24 units.
    // The value is converted first, so a wrong type is still the TypeError CPython raises.
    if (width > 2 ** 29 - 24) {
      convert(value, { flags, width: 0, precision, type });
      throw new MemoryError();
    }
    out += convert(value, { flags, width, precision, type });
  }
  if (tuple && argIndex < argLength) throw new TypeError("not all arguments converted during string formatting");
  return out;
}
