// app.ws() over a real socket on the runtime running the tests: Deno.serve on
// Deno, Bun.serve({ fetch: app.fetch, websocket: app.websocket }) on Bun, with
// the runtime's own WebSocket client. The shared suite (tests/_ws_suite.ts)
// runs here and on workerd (tests/ws_workerd_test.ts); what only one runtime
// does (Bun's websocket option) is tested below it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { App } from "../mod.ts";
import { websocket } from "../lib/ws/mod.ts";
import { createWsTestApp } from "./_ws_app.ts";
import { webSocketSuite, type WsTarget } from "./_ws_suite.ts";
import { Client, HANDSHAKE } from "./_ws_client.ts";
import { recordingLogger, watchUnhandledRejections } from "./_helpers.ts";
import { runtime, serve as serveWithoutWebSocket } from "./_serve.ts";

type Fetch = (request: Request, server?: unknown) => Response | Promise<Response>;

interface _BunLike {
  serve(options: {
    hostname: string;
    port: number;
    fetch: Fetch;
    websocket: unknown;
  }): { port: number; stop(closeActiveConnections?: boolean): Promise<void> | void };
}

interface _DenoLike {
  serve(
    options: { hostname: string; port: number; onListen(): void },
    handler: Fetch,
  ): { addr: { port: number }; shutdown(): Promise<void> };
}

/** Serves `app` on 127.0.0.1, port 0, as its docs say to: with `app.websocket` on Bun. */
function serveApp(app: App): { url: string; stop(): Promise<void> } {
  const bun = (globalThis as { Bun?: _BunLike }).Bun;
  if (bun !== undefined) {
    const server = bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: app.fetch,
      websocket: app.websocket,
    });
    return { url: `http://127.0.0.1:${server.port}`, stop: async () => await server.stop(true) };
  }
  const deno = (globalThis as unknown as { Deno: _DenoLike }).Deno;
  const server = deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  return { url: `http://127.0.0.1:${server.addr.port}`, stop: () => server.shutdown() };
}

let served: { url: string; stop(): Promise<void> } | undefined;
const app = createWsTestApp();
const rejections = watchUnhandledRejections();
before(() => {
  served = serveApp(app);
});
after(async () => {
  rejections.stop();
  await served?.stop();
  await app.close();
});

webSocketSuite(runtime === "bun" ? "Bun.serve" : "Deno.serve", (): WsTarget => {
  if (served === undefined) throw new Error("the server did not start");
  return served;
});

test(`No WebSocket test on ${runtime} left an unhandled rejection`, () => {
  assert.equal(rejections.count(), 0);
});

test("app.websocket is the one frozen websocket object of @latch/latch/ws, for every app", () => {
  assert.equal(new App().websocket, websocket);
  assert.equal(app.websocket, websocket);
  assert.ok(Object.isFrozen(websocket));
  assert.deepEqual(Object.keys(websocket).sort(), ["close", "message", "open"]);
});

test(
  "Bun.serve without the websocket option: the route answers 500 saying what to pass, logged once",
  {
    skip: runtime !== "bun" && "the websocket option is Bun's",
  },
  async () => {
    const log = recordingLogger();
    const bare = new App({ logger: log }).ws("/chat", {
      message: (ws, data) => void ws.send(data),
    });
    const server = serveWithoutWebSocket(bare.fetch);
    try {
      const response = await fetch(`${server.url}/chat`, { headers: HANDSHAKE });
      assert.equal(response.status, 500);
      const { detail } = await response.json();
      assert.match(detail, /without the websocket option/);
      assert.match(detail, /Bun\.serve\(\{ fetch: app\.fetch, websocket: app\.websocket \}\)/);
      assert.equal(log.entries.length, 1);
      assert.match(log.entries[0]?.message ?? "", /GET \/chat: answered 500/);
      assert.notEqual(await Client.refused(`${server.url}/chat`), 1000);
    } finally {
      await server.stop();
      await bare.close();
    }
  },
);

test(
  "On Bun, a WebSocket route called without the server as env answers 500 saying how to serve it",
  {
    skip: runtime !== "bun" && "the server as env is Bun's",
  },
  async () => {
    const log = recordingLogger();
    const bare = new App({ logger: log }).ws("/chat", {});
    const response = await bare.request("/chat", { headers: HANDSHAKE });
    assert.equal(response.status, 500);
    assert.match((await response.json()).detail, /needs the server Bun\.serve passes to fetch/);
    assert.equal(log.entries.length, 1);
    await bare.close();
  },
);
