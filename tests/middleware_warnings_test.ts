import { test } from "node:test";
import assert from "node:assert/strict";
import { runtime } from "./_serve.ts";
import { runtimeBinary, spawnServer } from "./_spawn.ts";

/** A body streamed in `chunks` chunks of `size` bytes, so it is sent without a Content-Length. */
function streamed(chunks: number, size: number): RequestInit {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ === chunks) return controller.close();
      controller.enqueue(new Uint8Array(size).fill(120));
    },
  });
  return { method: "POST", body, duplex: "half" } as RequestInit;
}

test(
  `Every built-in middleware serves requests on ${runtime} without making the runtime print a warning`,
  {
    timeout: 60_000,
  },
  async () => {
    const args = runtime === "deno"
      ? ["run", "--allow-net", "--allow-env", "tests/_middleware_server.ts"]
      : ["tests/_middleware_server.ts"];
    const server = await spawnServer(runtimeBinary, args, {
      listening: /listening on (http:\/\/127\.0\.0\.1:\d+)\//,
      env: { PORT: "0" },
    });
    let code: number;
    try {
      const url = server.match[1] as string;
      // Deno warns once per process, after the first response whose request's signal was read.
      const fixed = await fetch(`${url}/echo`, { method: "POST", body: "hello" });
      assert.equal(
        await fixed.text(),
        "hello",
        "a body with a Content-Length, through bodyLimit()",
      );
      const chunked = await fetch(`${url}/echo`, streamed(3, 100));
      assert.equal((await chunked.text()).length, 300, "a streamed body, counted by bodyLimit()");
      const declared = await fetch(`${url}/echo`, { method: "POST", body: "x".repeat(2000) });
      assert.equal(declared.status, 413);
      await declared.body?.cancel();
      const counted = await fetch(`${url}/echo`, streamed(20, 100));
      assert.equal(counted.status, 413);
      await counted.body?.cancel();

      const note = await fetch(`${url}/note`, { headers: { "accept-encoding": "gzip" } });
      assert.equal(note.status, 200);
      const tag = note.headers.get("etag");
      assert.ok(tag !== null, "etag() tagged it");
      await note.body?.cancel();
      const revalidated = await fetch(`${url}/note`, { headers: { "if-none-match": tag } });
      assert.equal(revalidated.status, 304);
      assert.equal((await fetch(`${url}/note`, { method: "HEAD" })).status, 200);
      assert.equal(await (await fetch(`${url}/slow`)).text(), "slow", "through timeout()'s timer");
      const preflight = await fetch(`${url}/echo`, {
        method: "OPTIONS",
        headers: { origin: "https://app.example", "access-control-request-method": "POST" },
      });
      assert.equal(preflight.status, 204);
    } finally {
      code = await server.stop("SIGTERM");
    }
    assert.equal(code, 0, server.output());
    assert.equal(
      server.output(),
      `listening on ${server.match[1]}/\n`,
      "nothing printed but the listening line",
    );
  },
);
