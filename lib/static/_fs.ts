/**
 * The file-system calls `serveStatic` makes, as an interface: `node:fs/promises`
 * satisfies it on Deno, Bun and Node, and the tests pass a recording one to
 * count every path the module touches.
 *
 * @module
 */

/** What `serveStatic` reads from a file's status. */
export interface _Stats {
  isFile(): boolean;
  isDirectory(): boolean;
  readonly size: number;
  readonly mtimeMs: number;
}

/** An open file, read at explicit positions and closed once. */
export interface _FileHandle {
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

/** The calls `serveStatic` makes; each path it passes is inside `root`. */
export interface _StaticFs {
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<_Stats>;
  open(path: string, flags: "r"): Promise<_FileHandle>;
  /**
   * A body the runtime sends from the file itself, for `length` bytes from
   * `start`, instead of a stream read through `open`. Bun's: its server drops
   * the `Content-Length` of a `ReadableStream` body (oven-sh/bun#10507) but
   * sends a `Bun.file()` slice with its length, by `sendfile`.
   */
  body?(path: string, start: number, length: number): BodyInit;
}

/**
 * Error codes that mean "no readable file here": answered 404 like a missing
 * file, so a response never tells a missing file from a forbidden one.
 */
const NOT_FOUND = new Set([
  "ENOENT",
  "ENOTDIR",
  "ELOOP",
  "ENAMETOOLONG",
  "EACCES",
  "EPERM",
  "EISDIR",
]);

/** Whether `error` is a file-system error that means the file cannot be served. */
export function _isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && NOT_FOUND.has(code);
}
