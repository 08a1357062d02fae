import { test } from "node:test";
import assert from "node:assert/strict";
import { realpath } from "node:fs/promises";
import { isAbsolute, relative } from "node:path";
import fc from "fast-check";
import { serveStatic } from "../lib/static/mod.ts";
import { _serveStatic } from "../lib/static/serve_static.ts";
import {
  type RecordingFs,
  recordingFs,
  type StaticFixture,
  staticFixture,
} from "./_static_fixture.ts";

// Path safety: nothing outside root is ever served, and nothing outside root
// is ever handed to the file system. Requests come as real Requests (whose URL
// the parser has normalized: `..` and `%2e%2e` segments resolved) and as raw
// request objects whose URL is left as a client sent it, the way Deno.serve
// hands a request target over.

type Handler = (request: Request) => Promise<Response>;

/** A request whose URL is exactly `url`, not normalized by the URL parser. */
function rawRequest(url: string, method = "GET", headers: HeadersInit = {}): Request {
  return { url, method, headers: new Headers(headers) } as Request;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** Asserts every path handed to fs is under root, and every file opened is really under root. */
async function assertStayedInside(files: RecordingFs, fixture: StaticFixture): Promise<number> {
  for (const call of files.calls) {
    assert.ok(inside(fixture.root, call.path), `${call.call}(${call.path}) is outside root`);
    if (call.call === "open") {
      assert.ok(inside(fixture.root, await realpath(call.path)), `opened ${call.path}`);
    }
  }
  return files.calls.length;
}

/** The bytes of `response`, which must be one of root's files (or nothing), never the secret. */
async function assertServedFromRoot(response: Response, fixture: StaticFixture, what: string) {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  assert.ok(!text.includes("TOP SECRET"), `${what} leaked the secret`);
  if (response.status !== 200 && response.status !== 206) return;
  // A 206's bytes must sit at their Content-Range offset in a file of that size under root.
  const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
  const start = range === null ? 0 : Number(range[1]);
  const size = range === null ? bytes.length : Number(range[2]);
  const known = [...fixture.files.values()].some((file) =>
    file.length === size && bytes.every((byte, index) => file[start + index] === byte)
  );
  assert.ok(known, `${what} answered bytes that are no file of root`);
}

const TRAVERSALS = [
  "/../secret.txt",
  "/../../../../etc/passwd",
  "/%2e%2e/secret.txt",
  "/%2E%2E/secret.txt",
  "/.%2e/secret.txt",
  "/%2e./secret.txt",
  "/docs/../../secret.txt",
  "/docs/%2e%2e/%2e%2e/secret.txt",
  "/%2e%2e%2fsecret.txt",
  "/..%2fsecret.txt",
  "/..%2Fsecret.txt",
  "/docs%2f..%2f..%2fsecret.txt",
  "/..%5csecret.txt",
  "/..%5Csecret.txt",
  "/..\\secret.txt",
  "/docs\\..\\..\\secret.txt",
  "/%5c..%5c..%5csecret.txt",
  "/hello.txt%00",
  "/hello.txt%00.html",
  "/%00",
  "/docs/%00/../../secret.txt",
  "/%2fetc%2fpasswd",
  "//etc/passwd",
  "/link-out.txt",
  "/relative-out.txt",
  "/link-out-dir/file.txt",
  "/link-out-dir/",
  "/docs/loop/../../secret.txt",
  "/.env",
  "/%2eenv",
  "/%2Eenv",
  "/.hidden/file.txt",
  "/.hidden/",
  "/docs/.%2e/.env",
  "/link-to-dotfile",
  "/./hello.txt",
  "/docs/./guide.md",
  "/docs//guide.md",
];

test("serveStatic() answers every traversal, NUL, separator, dotfile and out-of-root symlink with 404, raw or parsed", async () => {
  await using fixture = await staticFixture();
  const files = recordingFs();
  const handler = _serveStatic({ root: fixture.root }, files);
  const absolute = [
    `/${encodeURIComponent(fixture.secretPath)}`,
    `/${fixture.secretPath}`,
    `/..${encodeURIComponent(fixture.secretPath)}`,
  ];
  let requests = 0;
  for (const path of [...TRAVERSALS, ...absolute]) {
    const raw = await handler(rawRequest(`http://localhost${path}`));
    assert.equal(raw.status, 404, `raw ${path}`);
    await assertServedFromRoot(raw, fixture, `raw ${path}`);
    // Parsed, `..` segments are gone: the URL names a path inside root, which must not be the secret.
    const parsed = await handler(new Request(`http://localhost${path}`));
    assert.ok([200, 301, 404].includes(parsed.status), `parsed ${path}: ${parsed.status}`);
    await assertServedFromRoot(parsed, fixture, `parsed ${path}`);
    requests += 2;
  }
  await assertStayedInside(files, fixture);
  assert.equal(requests, 2 * (TRAVERSALS.length + absolute.length));
  assert.equal(
    files.calls.filter((call) => call.call === "open").length,
    TRAVERSALS.filter((path) => ["/./hello.txt", "/docs/./guide.md"].includes(path)).length,
    "only the two paths the parser normalized to a file were opened",
  );
});

test("serveStatic() rejects unsafe paths before any file-system call", async () => {
  await using fixture = await staticFixture();
  const files = recordingFs();
  const handler = _serveStatic({ root: fixture.root }, files);
  for (
    const path of [
      "/../secret.txt",
      "/%2e%2e%2fsecret.txt",
      "/..%5csecret.txt",
      "/a%00",
      "/.env",
      "//x",
      "/%zz",
    ]
  ) {
    assert.equal((await handler(rawRequest(`http://localhost${path}`))).status, 404, path);
  }
  assert.deepEqual(files.calls, []);
});

test("serveStatic() follows symlinks within root and serves a dotfile only when dotfiles is allow", async () => {
  await using fixture = await staticFixture();
  const deny = serveStatic({ root: fixture.root });
  const allow = serveStatic({ root: fixture.root, dotfiles: "allow" });
  const ask = (handler: Handler, path: string) => handler(new Request(`http://localhost${path}`));
  assert.equal(await (await ask(deny, "/link-in.txt")).text(), "Hello, static world!");
  assert.equal(await (await ask(deny, "/docs/loop/hello.txt")).text(), "Hello, static world!");
  assert.equal((await ask(deny, "/link-to-dotfile")).status, 404, "its real name is a dotfile");
  assert.equal(await (await ask(allow, "/.env")).text(), "API_KEY=hidden");
  assert.equal(await (await ask(allow, "/.hidden/file.txt")).text(), "hidden folder");
  assert.equal(await (await ask(allow, "/link-to-dotfile")).text(), "API_KEY=hidden");
  for (const path of ["/link-out.txt", "/relative-out.txt", "/link-out-dir/file.txt"]) {
    assert.equal((await ask(allow, path)).status, 404, `${path}, even with dotfiles allowed`);
  }
  assert.equal((await ask(allow, "/..%2fsecret.txt")).status, 404);
});

test("serveStatic() never sends a precompressed sibling that is a symlink out of root", async () => {
  await using fixture = await staticFixture();
  const handler = serveStatic({ root: fixture.root });
  const response = await handler(
    new Request("http://localhost/sneaky.js", { headers: { "accept-encoding": "gzip" } }),
  );
  assert.equal(response.headers.get("content-encoding"), null);
  assert.equal(await response.text(), "the sneaky script");
});

/** Path pieces a hostile client would try, and names that exist, in many encodings. */
const PIECES = [
  "..",
  ".",
  "%2e%2e",
  "%2E%2e",
  ".%2e",
  "%2e",
  "%2f",
  "%2F",
  "%5c",
  "%5C",
  "\\",
  "%00",
  "%252e%252e",
  "%c0%ae%c0%ae",
  "%",
  "%zz",
  ":",
  "C:",
  "secret.txt",
  "etc",
  "passwd",
  "root",
  "outside",
  "file.txt",
  "link-out.txt",
  "relative-out.txt",
  "link-out-dir",
  "link-in.txt",
  "link-to-dotfile",
  "loop",
  "docs",
  "guide.md",
  "index.html",
  "hello.txt",
  "app.js",
  "sneaky.js",
  ".env",
  ".hidden",
  "empty",
  "v1.2",
  "",
];

const segmentArbitrary = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 3 }).map((parts) =>
      parts.join("")
    ),
  },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 8, unit: "binary" }).map((text) => encodeURIComponent(text)),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

const requestArbitrary = fc.record({
  segments: fc.array(segmentArbitrary, { minLength: 0, maxLength: 6 }),
  separator: fc.constantFrom("/", "/", "/", "\\", "%2f", "%5c", "//"),
  trailing: fc.boolean(),
  absolute: fc.boolean(),
  raw: fc.boolean(),
  method: fc.constantFrom("GET", "HEAD"),
  acceptEncoding: fc.constantFrom(undefined, "gzip", "br", "br, gzip", "*"),
  range: fc.constantFrom(undefined, "bytes=0-3", "bytes=-5", "bytes=999-", "bytes=0-1,3-4"),
});

test("serveStatic() never serves or touches anything outside root, for thousands of random hostile paths", async () => {
  await using fixture = await staticFixture();
  const files = recordingFs();
  const handler = _serveStatic({ root: fixture.root, fallback: "index.html" }, files);
  const paths = new Set<string>();
  const statuses = new Map<number, number>();
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(requestArbitrary, async (spec) => {
      runs++;
      const prefix = spec.absolute ? encodeURIComponent(fixture.base) + spec.separator : "";
      const path = `/${prefix}${spec.segments.join(spec.separator)}${spec.trailing ? "/" : ""}`;
      paths.add(path);
      const headers: Record<string, string> = { accept: "text/html" };
      if (spec.acceptEncoding !== undefined) headers["accept-encoding"] = spec.acceptEncoding;
      if (spec.range !== undefined) headers.range = spec.range;
      const url = `http://localhost${path}`;
      let request: Request;
      try {
        request = spec.raw
          ? rawRequest(url, spec.method, headers)
          : new Request(url, { method: spec.method, headers });
      } catch {
        return; // not a URL at all: no server would hand it over
      }
      const response = await handler(request);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      assert.ok([200, 206, 301, 404, 416].includes(response.status), `${path}: ${response.status}`);
      await assertServedFromRoot(response, fixture, path);
    }),
    { numRuns: 3000 },
  );
  const calls = await assertStayedInside(files, fixture);
  const opens = files.calls.filter((call) => call.call === "open").length;
  assert.equal(files.openHandles(), 0, "every opened file was closed");
  assert.equal(runs, 3000);
  assert.ok(paths.size > 2000, `${paths.size} distinct paths`);
  assert.ok(
    opens > 0 && (statuses.get(404) ?? 0) > 0,
    "the runs reached files as well as refusals",
  );
  console.log(
    `serveStatic property: ${runs} runs, ${paths.size} distinct paths, ${calls} fs calls (${opens} opens), ` +
      `all inside root; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
});
