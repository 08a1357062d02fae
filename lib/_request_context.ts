/**
 * The `Context` latch makes for each request. A class rather than a literal
 * so that `state` is only allocated when a middleware or handler uses it.
 *
 * @module
 */

import type { App } from "./app.ts";
import type { Context, ExecutionContext } from "./context.ts";
import { _stripSegments } from "./_http.ts";
import { _NO_PARAMS } from "./_route_path.ts";

/** The per-request context; see {@linkcode Context}. */
export class _RequestContext implements Context {
  params: Record<string, string> = _NO_PARAMS;
  readonly app: App;
  readonly path: string;
  readonly env: unknown;
  readonly executionContext: ExecutionContext | undefined;
  #state: Record<string, unknown> | undefined;
  /** The context of the app this request passed through before a mount: its state is this one's. */
  readonly #outer: Context | undefined;

  constructor(
    app: App,
    path: string,
    env: unknown,
    executionContext: ExecutionContext | undefined,
    outer?: Context,
  ) {
    this.app = app;
    this.path = path;
    this.env = env;
    this.executionContext = executionContext;
    this.#outer = outer;
  }

  /** A fresh object per request, made on first use; under a mount, the outer context's, made there. */
  get state(): Record<string, unknown> {
    return this.#state ??= this.#outer === undefined ? {} : this.#outer.state;
  }
}

/** The context for a request entering an app mounted under a prefix `segments` segments long: same request, same state. */
export function _mountedContext(ctx: Context, app: App, segments: number): Context {
  return new _RequestContext(
    app,
    _stripSegments(ctx.path, segments),
    ctx.env,
    ctx.executionContext,
    ctx,
  );
}
