/**
 * The request parts a route validates, in the one order latch validates
 * them, lists their issues and names them in a 422's detail.
 *
 * @module
 */

import type { RoutePart } from "./route_options.ts";

/** `params`, `query`, `headers`, `body`. */
export const _ROUTE_PARTS: readonly RoutePart[] = ["params", "query", "headers", "body"];
