/**
 * A temporary folder tree for the `serveStatic` tests, with a secret file and
 * symlinks outside the served root, and a file system that records every call
 * `serveStatic` makes, so the tests can count what it touched.
 *
 * @module
 */

import * as fs from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { _FileHandle, _StaticFs, _Stats } from "../lib/static/_fs.ts";
import { serveStatic, type ServeStaticOptions } from "../lib/static/mod.ts";

/** A folder tree: `base/secret.txt` and `base/outside/` beside `base/root/`, the folder served. */
export interface StaticFixture {
  /** The temporary folder holding everything, real (symlinks resolved). */
  readonly base: string;
  /** The folder served. */
  readonly root: string;
  /** The secret file outside root: no response may ever carry its bytes. */
  readonly secretPath: string;
  /** Its content. */
  readonly secret: string;
  /** Each regular file under root, by its path under root ("/docs/index.html"), with its bytes. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  [Symbol.asyncDispose](): Promise<void>;
}

const encoder = new TextEncoder();

/**
 * Makes the tree. Under root: plain files of several types, precompressed
 * siblings, folders with and without an index, dotfiles, an empty file, names
 * that need encoding, and symlinks inside and out of root. `bigBytes` adds a
 * `/big.bin` of that many bytes (a pattern, so a misplaced chunk shows).
 */
export async function staticFixture(bigBytes = 0): Promise<StaticFixture> {
  const base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), "latch-static-")));
  const root = join(base, "root");
  const secret = "TOP SECRET: this file is outside root";
  const secretPath = join(base, "secret.txt");
  await fs.writeFile(secretPath, secret);
  await fs.mkdir(join(base, "outside"));
  await fs.writeFile(join(base, "outside", "file.txt"), secret);
  await fs.mkdir(root);

  const files = new Map<string, Uint8Array>();
  const write = async (path: string, content: string | Uint8Array) => {
    const bytes = typeof content === "string" ? encoder.encode(content) : content;
    await fs.writeFile(join(root, ...path.split("/").filter(Boolean)), bytes);
    files.set(path, bytes);
  };
  for (const folder of ["docs", "empty", ".hidden", "assets", "v1.2"]) {
    await fs.mkdir(join(root, folder));
  }
  await write("/index.html", "<!doctype html><title>home</title>");
  await write("/hello.txt", "Hello, static world!");
  await write("/app.js", "console.log('the plain script, long enough to compress');");
  await write("/app.js.br", "brotli bytes of app.js");
  await write("/app.js.gz", "gzip bytes of app.js");
  await write("/style.css", "body { color: black }");
  await write("/style.css.gz", "gzip bytes of style.css");
  await write("/data.unknownext", "some bytes");
  await write("/empty.txt", "");
  await write("/caf\u00e9 menu.txt", "an encoded name");
  await write("/100%.txt", "a percent sign");
  await write("/docs/index.html", "<!doctype html><title>docs</title>");
  await write("/docs/guide.md", "# Guide");
  await write("/v1.2/index.html", "version 1.2");
  await write("/assets/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
  await write("/.env", "API_KEY=hidden");
  await write("/.hidden/file.txt", "hidden folder");
  await write("/sneaky.js", "the sneaky script");
  if (bigBytes > 0) {
    const big = new Uint8Array(bigBytes);
    for (let index = 0; index < bigBytes; index++) {
      big[index] = (index * 31 + (index >>> 16)) & 0xff;
    }
    await write("/big.bin", big);
  }
  // Symlinks: out of root (a file, a folder, a precompressed sibling), and within it.
  await fs.symlink(secretPath, join(root, "link-out.txt"));
  await fs.symlink(join(base, "outside"), join(root, "link-out-dir"));
  await fs.symlink("../secret.txt", join(root, "relative-out.txt"));
  await fs.symlink(secretPath, join(root, "sneaky.js.gz"));
  await fs.symlink(join(root, "hello.txt"), join(root, "link-in.txt"));
  await fs.symlink(join(root, ".env"), join(root, "link-to-dotfile"));
  await fs.symlink(root, join(root, "docs", "loop"));
  files.set("/link-in.txt", files.get("/hello.txt")!);

  return {
    base,
    root,
    secretPath,
    secret,
    files,
    [Symbol.asyncDispose]: () => fs.rm(base, { recursive: true, force: true }),
  };
}

/** One call `serveStatic` made. */
export interface FsCall {
  readonly call: "realpath" | "stat" | "open";
  readonly path: string;
}

/** `node:fs/promises` with every call recorded, and the handles it opened counted. */
export interface RecordingFs extends _StaticFs {
  readonly calls: FsCall[];
  /** Handles opened and not yet closed. */
  readonly openHandles: () => number;
  /** The largest single read, in bytes. */
  readonly largestRead: () => number;
  /** Reads made. */
  readonly reads: () => number;
}

/** Makes a {@linkcode RecordingFs}. */
export function recordingFs(): RecordingFs {
  const calls: FsCall[] = [];
  let open = 0;
  let largest = 0;
  let reads = 0;
  return {
    calls,
    openHandles: () => open,
    largestRead: () => largest,
    reads: () => reads,
    realpath(path) {
      calls.push({ call: "realpath", path });
      return fs.realpath(path);
    },
    stat(path): Promise<_Stats> {
      calls.push({ call: "stat", path });
      return fs.stat(path);
    },
    async open(path, flags): Promise<_FileHandle> {
      calls.push({ call: "open", path });
      const handle = await fs.open(path, flags);
      open++;
      let closed = false;
      return {
        async read(buffer, offset, length, position) {
          reads++;
          largest = Math.max(largest, length);
          return await handle.read(buffer, offset, length, position);
        },
        async close() {
          if (!closed) open--;
          closed = true;
          await handle.close();
        },
      };
    },
  };
}

/** A fetch handler as `serveStatic` returns it, called with a request only. */
export type StaticTestHandler = (request: Request) => Promise<Response>;

/** Asks `handler` for `path` on http://localhost. */
export function ask(
  handler: StaticTestHandler,
  path: string,
  init?: RequestInit,
): Promise<Response> {
  return handler(new Request(`http://localhost${path}`, init));
}

/** Runs `run` with `serveStatic(options)` over a fresh fixture, removed after. */
export async function withRoot(
  options: Omit<ServeStaticOptions, "root">,
  run: (handler: StaticTestHandler, fixture: StaticFixture) => Promise<void>,
): Promise<void> {
  await using fixture = await staticFixture();
  await run(serveStatic({ root: fixture.root, ...options }), fixture);
}
