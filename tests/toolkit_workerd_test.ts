// Cookies and server-sent events on workerd: tests/_toolkit_worker.ts bundled by bun build and
// served by workerd (node_modules/.bin/workerd), read back with the test runtime's own fetch.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startWorkerd, type WorkerdServer } from "./_workerd.ts";
import { EventStreamReader, within } from "./_event_stream.ts";
import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import { NOTES } from "./_toolkit_worker.ts";

let worker: WorkerdServer | undefined;
before(async () => {
  worker = await startWorkerd("tests/_toolkit_worker.ts");
}, { timeout: 60_000 });
after(async () => {
  await worker?.stop();
});

test("workerd: setSignedCookie and setCookie set two Set-Cookie headers, read back verified", async () => {
  const url = worker?.url ?? "";
  const login = await fetch(`${url}/login`, { method: "POST" });
  assert.equal(login.status, 204);
  const cookies = login.headers.getSetCookie();
  assert.equal(cookies.length, 2);
  const pairs = cookies.map((cookie) => cookie.split(";")[0]).join("; ");
  const me = await fetch(`${url}/me`, { headers: { cookie: pairs } });
  assert.deepEqual(await me.json(), { user: "ada", theme: "dark" });
  const tampered = pairs.replace(/user=ada\./, "user=eve.");
  const forged = await fetch(`${url}/me`, { headers: { cookie: tampered } });
  assert.deepEqual(await forged.json(), { user: null, theme: "dark" });
});

test("workerd: sse() streams events whose multi-line data is parsed back exactly", async () => {
  const response = await fetch(`${worker?.url ?? ""}/events`);
  assert.equal(response.headers.get("content-type")?.split(";")[0], "text/event-stream");
  const reader = new EventStreamReader(response.body as ReadableStream<Uint8Array>);
  const events = await within(5_000, "three events", reader.take(3));
  assert.deepEqual(events, [
    { type: "tick", lastEventId: "1", data: "line 1\nsecond" },
    { type: "tick", lastEventId: "2", data: "line 2\nsecond" },
    { type: "tick", lastEventId: "3", data: "line 3\nsecond" },
  ]);
  await reader.cancel();
});

/** The status, headers and raw bytes of a GET, read without any decoding of the body. */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}

test("workerd: compress() sends a body gzipped once, which one gunzip turns back into the JSON", async () => {
  const answer = await rawGet(`${worker?.url ?? ""}/compressed/notes`, {
    "accept-encoding": "gzip",
  });
  assert.equal(answer.status, 200);
  assert.equal(answer.headers["content-encoding"], "gzip");
  assert.deepEqual(JSON.parse(gunzipSync(answer.body).toString("utf8")), NOTES);
});

test("workerd: a compress()ed response copied by an outer middleware is still gzipped once", async () => {
  const answer = await rawGet(`${worker?.url ?? ""}/compressed-copied/notes`, {
    "accept-encoding": "gzip",
  });
  assert.equal(answer.headers["x-copied"], "1");
  assert.equal(answer.headers["content-encoding"], "gzip");
  assert.deepEqual(JSON.parse(gunzipSync(answer.body).toString("utf8")), NOTES);
});

test("workerd: compress() sends the body as it is to a client that accepts no coding", async () => {
  const answer = await rawGet(`${worker?.url ?? ""}/compressed/notes`, {
    "accept-encoding": "identity",
  });
  assert.equal(answer.status, 200);
  assert.equal(answer.headers["content-encoding"], undefined);
  assert.deepEqual(JSON.parse(answer.body.toString("utf8")), NOTES);
});
