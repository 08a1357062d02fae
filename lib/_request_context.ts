/**
 * The per-request context behind `ctx`: what the router layer sets (params,
 * and the path when a middleware handed on another request) and what a
 * mount derives from it.
 *
 * @module
 */

import type { Context, ExecutionContext, RunningApp } from "./context.ts";
import { _pathOf, _stripSegments } from "./_http.ts";
import { _NO_PARAMS } from "./_route_path.ts";

/** The per-request context; see {@linkcode Context}. */
export class _RequestContext implements Context {
  params: Record<string, string> = _NO_PARAMS;
  readonly app: RunningApp;
  /** Set again by {@linkcode _RequestContext.follow} when a middleware hands on another request. */
  path: string;
  readonly env: unknown;
  readonly executionContext: ExecutionContext | undefined;
  /** The request `path` was taken from. */
  #request: Request;
  #state: Record<string, unknown> | undefined;
  /** The request this context was made for, kept by `follow` only once a rewrite replaces it. */
  declare entered?: Request;

  constructor(
    app: RunningApp,
    request: Request,
    path: string,
    env: unknown,
    executionContext: ExecutionContext | undefined,
  ) {
    this.app = app;
    this.#request = request;
    this.path = path;
    this.env = env;
    this.executionContext = executionContext;
  }

  /** A fresh object per request, made on first use. */
  get state(): Record<string, unknown> {
    return this.#state ??= this.stateOf();
  }

  /** What `state` starts as: a fresh object; under a mount, the outer context's. */
  protected stateOf(): Record<string, unknown> {
    return {};
  }

  /** How many segments of mount prefixes lie between the URL's path and `path`. */
  get depth(): number {
    return 0;
  }

  /**
   * Makes `path` that of `request`, when a middleware handed on another
   * request than the one this context was made for (a rewrite).
   */
  follow(request: Request): void {
    // Fast path: the request that entered is the one routed, as it nearly always is.
    if (request === this.#request) return;
    this.entered ??= this.#request;
    this.#request = request;
    this.path = _stripSegments(_pathOf(request.url), this.depth);
  }

  /** The request the server received, which a WebSocket upgrade needs, whatever was routed since. */
  received(): Request {
    return this.entered ?? this.#request;
  }

  /** The context for `request` entering an app mounted under a prefix `segments` long: same state. */
  mounted(app: RunningApp, request: Request, segments: number): _RequestContext {
    return new _MountedContext(app, request, segments, this);
  }
}

/** The context of a request inside a mounted app: its path is under the prefix, its state the outer one's. */
class _MountedContext extends _RequestContext {
  readonly #outer: _RequestContext;
  readonly #depth: number;

  constructor(app: RunningApp, request: Request, segments: number, outer: _RequestContext) {
    super(app, request, _stripSegments(outer.path, segments), outer.env, outer.executionContext);
    this.#outer = outer;
    this.#depth = outer.depth + segments;
  }

  protected override stateOf(): Record<string, unknown> {
    return this.#outer.state;
  }

  override get depth(): number {
    return this.#depth;
  }

  /** The outer app's: this context was made for the request it routed. */
  override received(): Request {
    return this.#outer.received();
  }
}
