/**
 * The `Range` request header for bytes (RFC 9110 §14.2): one range is served
 * as `206`, a range set none of whose ranges can be satisfied as `416`, and
 * everything else (several ranges, another unit, a malformed value, an empty
 * file) as the whole file, which §14.2 allows a server to do.
 *
 * @module
 */

/** The bytes of one satisfiable range, `end` included. */
export interface _ByteRange {
  readonly start: number;
  readonly end: number;
}

/** What a `Range` header asks of a file of a given size. */
export type _RangeAnswer = _ByteRange | "whole" | "unsatisfiable";

const SPEC = /^(\d*)[ \t]*-[ \t]*(\d*)$/;

/** Reads `header` (a `Range` value) for a file of `size` bytes. */
export function _range(header: string, size: number): _RangeAnswer {
  const equals = header.indexOf("=");
  if (equals === -1 || header.slice(0, equals).trim().toLowerCase() !== "bytes") return "whole";
  // The list rule allows empty members (", ,"); they count for nothing.
  const specs = header.slice(equals + 1).split(",").map((spec) => spec.trim()).filter(Boolean);
  if (specs.length === 0) return "whole";
  const ranges: (_ByteRange | undefined)[] = [];
  for (const spec of specs) {
    const match = SPEC.exec(spec);
    if (match === null) return "whole";
    const first = match[1] as string;
    const last = match[2] as string;
    if (first === "" && last === "") return "whole";
    ranges.push(_satisfy(first, last, size));
    // A syntactically invalid range (last before first) makes the header invalid: ignored.
    if (first !== "" && last !== "" && Number(last) < Number(first)) return "whole";
  }
  if (size === 0) return "whole";
  if (ranges.every((range) => range === undefined)) return "unsatisfiable";
  // Several ranges would need multipart/byteranges; the whole file answers them all at once.
  if (ranges.length > 1) return "whole";
  return ranges[0] as _ByteRange;
}

/** One range-spec against `size` bytes, or `undefined` when it is unsatisfiable. */
function _satisfy(first: string, last: string, size: number): _ByteRange | undefined {
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) return undefined;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return undefined;
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { start, end };
}
