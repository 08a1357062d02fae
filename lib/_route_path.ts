/**
 * Route path patterns: checking one when it is registered, and splitting it
 * into decoded static segments, param names and a trailing wildcard, which is
 * what the router compiles and what duplicate checks compare.
 *
 * @module
 */

/** A frozen, null-prototype empty params object, shared by every request without params. */
export const _NO_PARAMS: Record<string, string> = Object.freeze(Object.create(null));

/** A route path, parsed. */
export interface _Parsed {
  /** Static segments decoded; `null` stands for a `:param`. */
  readonly segments: readonly (string | null)[];
  readonly names: readonly string[];
  readonly wildcard: boolean;
}

const _PARAM_NAME = /^[A-Za-z_$][\w$]*$/;
/**
 * Checks a route path and splits it into segments; throws a `TypeError` that
 * says how to write it when it is malformed.
 *
 * @param path A pattern such as `/users/:id` or `/files/*`.
 * @returns Its decoded static segments, param names and whether it ends in `*`.
 */
export function _parseRoutePath(path: string): _Parsed {
  if (typeof path !== "string" || !path.startsWith("/")) {
    throw new TypeError(
      `Route path must be a string starting with "/", got ${
        JSON.stringify(path)
      }: write it as "/users/:id"`,
    );
  }
  const parts = path === "/" ? [] : path.slice(1).split("/");
  const segments: (string | null)[] = [];
  const names: string[] = [];
  let wildcard = false;
  for (const [index, part] of parts.entries()) {
    if (part === "*") {
      if (index !== parts.length - 1) {
        throw new TypeError(
          `Route path ${
            JSON.stringify(path)
          } has "*" before its end: a wildcard may only be the last segment`,
        );
      }
      wildcard = true;
    } else if (part.startsWith(":")) {
      const name = part.slice(1);
      if (!_PARAM_NAME.test(name)) {
        throw new TypeError(
          `Route path ${JSON.stringify(path)} has a param named ${JSON.stringify(name)}: ` +
            `name params with letters, digits, "_" or "$", as in "/users/:id"`,
        );
      }
      if (names.includes(name)) {
        throw new TypeError(
          `Route path ${
            JSON.stringify(path)
          } uses the param ":${name}" twice: give each param its own name`,
        );
      }
      names.push(name);
      segments.push(null);
    } else if (part.includes("*")) {
      throw new TypeError(
        `Route path ${
          JSON.stringify(path)
        } has "*" inside a segment: a wildcard is a whole last segment, as in "/files/*"`,
      );
    } else {
      segments.push(_decodeRouteSegment(path, part));
    }
  }
  if (wildcard) names.push("*");
  return { segments, names, wildcard };
}

function _decodeRouteSegment(path: string, segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new TypeError(
      `Route path ${JSON.stringify(path)} has a malformed percent-encoding in ${
        JSON.stringify(segment)
      }: ` +
        `write the segment unencoded or encode "%" as "%25"`,
    );
  }
}
