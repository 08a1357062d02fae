/**
 * latch: a web framework for Deno, Bun and the edge, on web-standard
 * `Request` and `Response`, whose app builds its whole stack (startup hooks,
 * middleware, router) once, on the first request, through one shared promise.
 *
 * Middleware are factories that may be `async` (open a pool, load keys) and
 * run exactly once per build, however many requests arrive together; once
 * built, every request goes straight through the pre-composed chain. A failed
 * build answers 503 and is retried by the next request; registering after the
 * start throws instead of being ignored; `close()` runs every cleanup.
 *
 * @example
 * ```ts
 * import { App, HttpError } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const app = new App();
 * app.use(async (next, build) => {
 *   const keys = await Promise.resolve(new Set(["secret"]));
 *   build.defer(() => keys.clear());
 *   return (request, ctx) => {
 *     if (!keys.has(request.headers.get("x-key") ?? "")) throw new HttpError(401, "Send a valid x-key");
 *     return next(request, ctx);
 *   };
 * });
 * app.get("/hello/:name", (_request, ctx) => new Response(`Hello, ${ctx.params.name}`));
 *
 * const response = await app.fetch(
 *   new Request("http://localhost/hello/Ada", { headers: { "x-key": "secret" } }),
 * );
 * assert.equal(await response.text(), "Hello, Ada");
 * await app.close();
 * ```
 *
 * @module
 */

export { App, type StartupHook } from "./lib/app.ts";
export type { AppOptions, Logger } from "./lib/app_options.ts";
export type { BuildStats } from "./lib/build_stats.ts";
export type { Build, Cleanup, Middleware } from "./lib/build.ts";
export { BuildTimeoutError } from "./lib/build_timeout_error.ts";
export type {
  AppTypes,
  Context,
  EnvOf,
  ExecutionContext,
  FetchHandler,
  Handler,
  RunningApp,
  StateOf,
} from "./lib/context.ts";
export type {
  RouteInfo,
  RouteOptions,
  RoutePart,
  RouteResponse,
  RouteResponses,
  ValidatedContext,
  ValidatedHandler,
  ValidInput,
} from "./lib/route_options.ts";
export type { StandardJSONSchemaV1, StandardSchemaV1 } from "./lib/standard_schema.ts";
export { ValidationError, type ValidationIssue } from "./lib/validation_error.ts";
export type { ErrorClass, ErrorHandler } from "./lib/error_handler.ts";
export { HttpError, type HttpErrorInit } from "./lib/http_error.ts";
export { type ProblemInit, problemResponse } from "./lib/problem.ts";
export type { RouteParamNames, RouteParams } from "./lib/route_params.ts";
export type {
  BunServerWebSocket,
  BunWebSocketHandlers,
  WebSocketConnection,
  WebSocketHandlers,
} from "./lib/websocket.ts";
