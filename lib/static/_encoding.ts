/**
 * Which precompressed sibling (`.br`, `.gz`) a request accepts, by its
 * `Accept-Encoding` (RFC 9110 §12.5.3), best first.
 *
 * @module
 */

/** A content coding `serveStatic` looks for a sibling file of. */
export interface _Coding {
  /** The `Content-Encoding` value. */
  readonly name: "br" | "gzip";
  /** What the sibling's name adds to the file's. */
  readonly extension: ".br" | ".gz";
}

/** The codings looked for, in the order that breaks a tie of q-values: Brotli is the smaller. */
const CODINGS: readonly _Coding[] = [
  { name: "br", extension: ".br" },
  { name: "gzip", extension: ".gz" },
];

const MEMBER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*(?:;[ \t]*q[ \t]*=[ \t]*([0-9.]+))?[ \t]*$/i;

/**
 * The codings of {@linkcode CODINGS} that `header` accepts, best first: a
 * coding's q-value, else `*`'s, must be above 0, and not below `identity`'s
 * when the client gave `identity` one. No header means no coding: the file is
 * sent as it is. Members that do not parse are skipped.
 */
export function _acceptedCodings(header: string | null): _Coding[] {
  if (header === null) return [];
  const weights = new Map<string, number>();
  for (const member of header.split(",")) {
    const match = MEMBER.exec(member.trim());
    if (match === null) continue;
    const name = (match[1] as string).toLowerCase();
    const q = match[2] === undefined ? 1 : Number(match[2]);
    if (Number.isNaN(q) || q < 0 || q > 1) continue;
    weights.set(name === "x-gzip" ? "gzip" : name, q);
  }
  const identity = weights.get("identity") ?? 0;
  const any = weights.get("*");
  const accepted: { coding: _Coding; q: number }[] = [];
  for (const coding of CODINGS) {
    const q = weights.get(coding.name) ?? any ?? 0;
    if (q > 0 && q >= identity) accepted.push({ coding, q });
  }
  // Array.prototype.sort is stable, so equal q-values keep CODINGS' order.
  return accepted.sort((a, b) => b.q - a.q).map(({ coding }) => coding);
}
