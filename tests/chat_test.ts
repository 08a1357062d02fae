import { test } from "node:test";
import assert from "node:assert/strict";
import { runtime } from "./_serve.ts";
import { runtimeBinary, spawnServer } from "./_spawn.ts";

/** Resolves with `promise`, or rejects with `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Logs `name` in; returns the signed `user=…` cookie to send back. */
async function login(url: string, name: string): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: "POST",
    body: new URLSearchParams({ name }),
  });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { name });
  const [header] = response.headers.getSetCookie();
  assert.match(header ?? "", /^user=[\w-]+\.[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
  return header!.split(";")[0]!;
}

/** A WebSocket carrying `cookie`, once open, with the messages it receives. */
async function connect(url: string, cookie: string) {
  const messages: string[] = [];
  const waiters: (() => void)[] = [];
  // Deno and Bun both take `headers` in WebSocket's second argument.
  const socket = new WebSocket(`${url.replace("http", "ws")}/chat/lobby`, {
    headers: { cookie },
  } as unknown as string[]);
  socket.onmessage = (event) => {
    messages.push(String(event.data));
    for (const wake of waiters.splice(0)) wake();
  };
  await within(
    new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error("the WebSocket failed to open"));
    }),
    5_000,
    "the WebSocket opening",
  );
  const received = (text: string) =>
    within(
      (async () => {
        for (let wait = 0; !messages.includes(text); wait++) {
          assert.ok(wait < 100, `no ${JSON.stringify(text)} in ${messages}`);
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      })(),
      5_000,
      `receiving ${JSON.stringify(text)}`,
    );
  const close = () => {
    const closed = new Promise((resolve) => socket.addEventListener("close", resolve));
    socket.close();
    return within(closed, 5_000, "the WebSocket closing");
  };
  return { received, close, send: (text: string) => socket.send(text) };
}

/** Reads presence events from `/presence` until one lists `users`; at most 20 events. */
async function presenceUntil(url: string, cookie: string, users: string[]): Promise<string[]> {
  const client = new AbortController();
  const response = await fetch(`${url}/presence`, { headers: { cookie }, signal: client.signal });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: string[] = [];
  try {
    return await within(
      (async () => {
        let buffer = "";
        for (let events = 0; events < 20;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf("\n\n")) !== -1) {
            const event = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            events++;
            const data = event.match(/^data: (.*)$/m)?.[1];
            if (!event.includes("event: presence") || data === undefined) continue;
            seen.push(data);
            if (JSON.stringify(users) === data) return JSON.parse(data);
          }
        }
        throw new Error(`presence never listed ${users}: ${seen.join(" | ")}`);
      })(),
      5_000,
      `presence listing ${users}`,
    );
  } finally {
    client.abort();
    await reader.cancel().catch(() => {});
  }
}

test(
  `The chat server on ${runtime} signs a login cookie, serves its page, relays messages over a WebSocket, lists who is online over SSE, and refuses a WebSocket without a valid cookie with 401`,
  { timeout: 60_000 },
  async () => {
    const args = runtime === "deno" ? ["run", "-A", "examples/chat/server.ts"] : [
      "examples/chat/server.ts",
    ];
    const server = await spawnServer(runtimeBinary, args, {
      listening: /listening on (http:\/\/127\.0\.0\.1:\d+)\//,
      env: { PORT: "0", HOST: "127.0.0.1", CHAT_SECRET: "a test secret, not for production" },
    });
    try {
      const url = server.match[1] as string;
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
      assert.match(await page.text(), /<title>latch chat<\/title>/);

      const ada = await login(url, "ada");
      const grace = await login(url, "grace");

      const refused = await fetch(`${url}/chat/lobby`);
      assert.equal(refused.status, 401, "no cookie is refused before the upgrade");
      await refused.body?.cancel();
      const forged = await fetch(`${url}/chat/lobby`, {
        headers: { cookie: ada.replace("ada.", "eve.") },
      });
      assert.equal(forged.status, 401, "an altered cookie is refused before the upgrade");
      await forged.body?.cancel();
      const noPresence = await fetch(`${url}/presence`);
      assert.equal(noPresence.status, 401);
      await noPresence.body?.cancel();
      await assert.rejects(connect(url, "user=eve"), /failed to open/);

      const adaSocket = await connect(url, ada);
      const graceSocket = await connect(url, grace);
      assert.deepEqual(await presenceUntil(url, ada, ["ada", "grace"]), ["ada", "grace"]);

      adaSocket.send("hello, grace");
      await graceSocket.received("ada: hello, grace");
      await adaSocket.received("ada: hello, grace");
      graceSocket.send("hi, ada");
      await adaSocket.received("grace: hi, ada");

      await graceSocket.close();
      await adaSocket.close();
      assert.deepEqual(await presenceUntil(url, grace, []), []);
    } finally {
      assert.equal(await server.stop("SIGTERM"), 0, server.output());
    }
  },
);
