/**
 * Small HTTP helpers on the request path: the path of a URL without parsing
 * it, a path with its first segments removed, and a response without a body.
 *
 * @module
 */

/** A token as RFC 9110 defines it: what a method or a header name is made of. */
export const _TOKEN: RegExp = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The path of `url`, without query or fragment; `url` is an absolute URL as `Request.url` gives it. */
export function _pathOf(url: string): string {
  // Request.url is serialized and a host never holds "/", so the path starts at
  // the first "/" after "http://" (7 characters) or "https://" (8); only other
  // schemes pay for a search for "://".
  const afterScheme = url.charCodeAt(4) === 58 /* : */
    ? 7
    : url.charCodeAt(5) === 58
    ? 8
    : url.indexOf("://") + 3;
  const start = url.indexOf("/", afterScheme);
  if (start === -1) return "/";
  // A loop beats two native searches on the short paths of most requests (and
  // the root); Hono's getPath does the same.
  for (let index = start + 1; index < url.length; index++) {
    const code = url.charCodeAt(index);
    if (code === 63 /* ? */ || code === 35 /* # */) return url.slice(start, index);
  }
  return url.slice(start);
}

/**
 * `path` without its first `count` segments, still percent-encoded: the path a
 * mounted app or handler sees. Counting segments rather than characters keeps
 * it right when the client encoded the prefix differently than it was written.
 */
export function _stripSegments(path: string, count: number): string {
  let index = 0;
  for (let segment = 0; segment < count; segment++) {
    index = path.indexOf("/", index + 1);
    if (index === -1) return "/";
  }
  return count === 0 ? path : path.slice(index);
}

/**
 * Whether `response` completes a WebSocket upgrade: its `status` is `101`
 * (Deno's `Deno.upgradeWebSocket` response, workerd's `webSocket` response,
 * and what a WebSocket route answers on Bun once the server has upgraded).
 * Such a response is passed on untouched: a copy, `new Response(body,
 * response)`, refuses a 101, and would lose the upgrade besides.
 */
export function _isUpgrade(response: Response): boolean {
  return response.status === 101;
}

/**
 * The same response without a body, for `HEAD`, with the `Content-Length`
 * the `GET` would have sent (RFC 9110 §9.3.2, §8.6): a server cannot tell it
 * once the body is gone, so it would send `0`. A response that states its
 * length keeps it; otherwise the body is counted, as the server would have
 * for the `GET`. An event stream is never counted, as it need never end.
 */
export function _withoutBody(response: Response): Response | Promise<Response> {
  const body = response.body;
  if (body === null) return response;
  const headers = response.headers;
  if (
    headers.has("content-length") || response.status === 204 || response.status === 304 ||
    headers.get("content-type")?.startsWith("text/event-stream")
  ) {
    // Cancelling tells a streaming producer to stop; its rejection has no one to report to.
    body.cancel().catch(() => {});
    return _bodiless(response, headers);
  }
  return _byteLength(body).then((length) => {
    const counted = new Headers(headers);
    counted.set("content-length", String(length));
    return _bodiless(response, counted);
  });
}

function _bodiless(response: Response, headers: Headers): Response {
  return new Response(null, { status: response.status, statusText: response.statusText, headers });
}

/** How many bytes `body` holds, read to its end. */
async function _byteLength(body: ReadableStream<Uint8Array>): Promise<number> {
  const reader = body.getReader();
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return length;
    length += value.byteLength;
  }
}

/**
 * A request made from `original` with another URL or body, without
 * `new Request(original, …)`: that reads `original.signal`, and on
 * `Deno.serve` that read alone makes Deno print, once, that the signal
 * "aborts on successful responses (legacy behavior)". Its `signal` is the
 * original's, read only when someone asks for it, so a handler still hears of
 * a client that left.
 */
export class _DerivedRequest extends Request {
  readonly #original: Request;

  constructor(
    original: Request,
    url: string | URL,
    body: ReadableStream<Uint8Array> | null = original.body,
  ) {
    super(url, {
      method: original.method,
      headers: original.headers,
      body,
      redirect: original.redirect,
      // Needed by Deno, Bun and Node for a streamed body; the DOM types do not know it yet.
      ...(body === null ? {} : { duplex: "half" }),
    } as RequestInit);
    this.#original = original;
  }

  override get signal(): AbortSignal {
    return this.#original.signal;
  }
}

/** `chunks` as one array of `size` bytes; a body that arrived in one chunk is not copied. */
export function _concatBytes(chunks: readonly Uint8Array[], size: number): Uint8Array {
  // Fast path: a string or buffer body arrives as one chunk.
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
