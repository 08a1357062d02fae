/**
 * One suite for `app.ws()` over a real socket, run on every runtime that
 * serves the test app (`Deno.serve`, `Bun.serve`, workerd): the runtime's
 * own `WebSocket` client talks to it over loopback, and what the handlers
 * saw is read back from `GET /events/:id`.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, eventsWhen, HANDSHAKE, hasClose, rawHandshake } from "./_ws_client.ts";
import { within } from "./_event_stream.ts";

/** A served test app. */
export interface WsTarget {
  /** `http://127.0.0.1:port`. */
  readonly url: string;
  /** Where the app whose connections may write to one another is (a Durable Object on workerd). */
  readonly roomUrl?: string;
  /** Whether the runtime drops `Upgrade` and `Connection` from a response that is not a 101. */
  readonly dropsUpgradeHeader?: boolean;
}

let ids = 0;
/** A fresh id, so that each test reads only its own events. */
function fresh(name: string): string {
  return `${name}-${++ids}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Registers the suite; `target()` resolves once the app is served (a `before` hook starts it). */
export function webSocketSuite(label: string, target: () => WsTarget): void {
  for (const base of ["/plain", "/stack"]) {
    test(`${label}: ${base}: text and binary frames echo back exactly, binary as Uint8Array`, async () => {
      const { url } = target();
      const id = fresh("echo");
      const client = await Client.open(`${url}${base}/echo/${id}`);
      client.socket.send("héllo ✓ 🎉");
      assert.equal(await client.next(), "héllo ✓ 🎉");
      const small = new Uint8Array([0, 1, 2, 127, 128, 255]);
      const large = Uint8Array.from({ length: 64 * 1024 }, (_, index) => (index * 31) % 256);
      client.socket.send(small);
      client.socket.send(large);
      assert.deepEqual(await client.next(), small);
      assert.deepEqual(await client.next(), large);
      client.socket.send(new Uint8Array(0));
      assert.deepEqual(await client.next(), new Uint8Array(0));
      client.socket.close(1000);
      assert.equal((await client.close()).code, 1000);
      const { events } = await eventsWhen(url, id, hasClose);
      assert.deepEqual(events, [
        { open: id, user: "anonymous", state: 1 },
        { message: "string", size: "héllo ✓ 🎉".length },
        { message: "Uint8Array", size: small.byteLength },
        { message: "Uint8Array", size: large.byteLength },
        { message: "Uint8Array", size: 0 },
        { close: 1000, reason: "" },
      ]);
    });
  }

  test(`${label}: params and what middleware put on ctx.state reach the handlers, through a rewrite`, async () => {
    const { url } = target();
    for (const base of ["/plain", "/stack"]) {
      const id = fresh("rewrite");
      // The middleware hands the router a new Request for /echo/…: the server's own is upgraded.
      const client = await Client.open(`${url}${base}/en/echo/${id}?user=ada`);
      client.socket.send("hi");
      assert.equal(await client.next(), "hi");
      client.socket.close(4000, "done");
      await client.close();
      const { events } = await eventsWhen(url, id, hasClose);
      assert.deepEqual(events[0], { open: id, user: "ada", state: 1 });
    }
  });

  test(`${label}: an auth middleware answering 401 stops the upgrade before any handler runs`, async () => {
    const { url } = target();
    for (const base of ["/plain", "/stack"]) {
      const id = fresh("auth");
      assert.notEqual(await Client.refused(`${url}${base}/private/${id}`), 1000);
      const refused = await rawHandshake(url, `${base}/private/${id}`);
      refused.destroy();
      assert.equal(refused.status, 401);
      assert.doesNotMatch(refused.head, /sec-websocket-accept/i);
      const allowed = await Client.open(`${url}${base}/private/${id}?token=secret&user=grace`);
      allowed.socket.close();
      await allowed.close();
      const { events } = await eventsWhen(url, id, hasClose);
      // Only the allowed connection ever reached a handler.
      assert.deepEqual(events[0], { open: id, user: "grace", state: 1 });
      assert.equal(events.length, 2);
    }
  });

  test(`${label}: a request that is not an upgrade gets 426 with Upgrade: websocket, a bad handshake 400`, async () => {
    const { url } = target();
    for (const base of ["/plain", "/stack"]) {
      const plain = await fetch(`${url}${base}/echo/${fresh("plain")}`);
      assert.equal(plain.status, 426);
      // The app sends Upgrade: websocket (tests/ws_test.ts); workerd's HTTP layer drops it.
      const { dropsUpgradeHeader = false } = target();
      assert.equal(plain.headers.get("upgrade"), dropsUpgradeHeader ? null : "websocket");
      assert.equal(plain.headers.get("content-type"), "application/problem+json");
      // Under /stack, compress() gzips it (and workerd encodes it once more: not a WebSocket matter).
      if (base === "/plain") assert.match((await plain.json()).detail, /WebSocket client/);
      else await plain.body?.cancel();

      const version = await rawHandshake(url, `${base}/echo/${fresh("version")}`, {
        ...HANDSHAKE,
        "sec-websocket-version": "8",
      });
      version.destroy();
      assert.equal(version.status, 426);
      assert.match(version.head, /sec-websocket-version: 13/i);

      const key = await rawHandshake(url, `${base}/echo/${fresh("key")}`, {
        ...HANDSHAKE,
        "sec-websocket-key": "short",
      });
      key.destroy();
      assert.equal(key.status, 400);

      const upgraded = await rawHandshake(url, `${base}/echo/${fresh("raw")}`);
      upgraded.destroy();
      assert.equal(upgraded.status, 101);
      // RFC 6455 §1.3: base64(SHA-1(key + GUID)) for the key in HANDSHAKE.
      assert.match(upgraded.head, /sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/i);
    }
  });

  test(`${label}: 100 clients broadcasting through a room each receive all 100 messages`, {
    timeout: 60_000,
  }, async () => {
    const { url, roomUrl = url } = target();
    const room = fresh("room");
    const count = 100;
    const clients = await within(
      30_000,
      "100 clients joining",
      Promise.all(
        Array.from({ length: count }, () => Client.open(`${roomUrl}/plain/room/${room}`)),
      ),
    );
    const joined = await Promise.all(clients.map((client) => client.next()));
    assert.equal(new Set(joined).size, count, "each join saw the room one larger");
    // Everyone has joined (each join answered), so every broadcast reaches all 100.
    clients.forEach((client, index) => client.socket.send(`from ${index}`));
    const received = await within(
      30_000,
      "10 000 deliveries",
      Promise.all(clients.map(async (client) => {
        const messages = new Set<string>();
        for (let read = 0; read < count; read++) messages.add(String(await client.next()));
        return messages;
      })),
    );
    const expected = new Set(Array.from({ length: count }, (_, index) => `from ${index}`));
    for (const messages of received) assert.deepEqual(messages, expected);
    for (const client of clients) client.socket.close(1000);
    await Promise.all(clients.map((client) => client.close()));
  });

  test(`${label}: a client's close code and reason reach the close handler`, async () => {
    const { url } = target();
    for (const base of ["/plain", "/stack"]) {
      const id = fresh("client-close");
      const client = await Client.open(`${url}${base}/echo/${id}`);
      client.socket.close(4001, "bye ✓");
      assert.deepEqual(await client.close(), { code: 4001, reason: "bye ✓" });
      const { events } = await eventsWhen(url, id, hasClose);
      assert.deepEqual(events.at(-1), { close: 4001, reason: "bye ✓" });
    }
  });

  test(`${label}: the server's close code and reason reach the client, and send() after close() is false`, async () => {
    const { url } = target();
    for (const base of ["/plain", "/stack"]) {
      const id = fresh("server-close");
      const client = await Client.open(`${url}${base}/close/${id}`);
      client.socket.send("4002 done for now");
      assert.deepEqual(await client.close(), { code: 4002, reason: "done for now" });
      const { events } = await eventsWhen(url, id, hasClose);
      assert.deepEqual(events, [
        { afterClose: 2, sent: false },
        { close: 4002, reason: "done for now" },
      ]);
    }
  });

  for (
    const [name, path, send] of [
      ["a message handler that throws", "throw/sync", "sync"],
      ["a message handler that rejects", "throw/async", "async"],
      ["an open handler that throws", "throw/open", undefined],
    ] as const
  ) {
    test(`${label}: ${name} closes the connection with 1011 and is logged once`, async () => {
      const { url } = target();
      for (const base of ["/plain", "/stack"]) {
        // The test app's open handler throws for an id that starts with "open".
        const id = fresh(path.split("/")[1] as string);
        const client = await Client.open(`${url}${base}/throw/${id}`);
        if (send !== undefined) client.socket.send(send);
        assert.equal((await client.close()).code, 1011);
        const { events, logged } = await eventsWhen(url, id, hasClose);
        assert.deepEqual(events, [{ close: 1011, reason: "Internal Error" }]);
        assert.equal(logged.length, 1, logged.join("\n"));
        assert.match(
          logged[0] as string,
          /^latch: WebSocket GET \/\S+: the (message|open) handler threw, closing with 1011 /,
        );
        assert.match(logged[0] as string, new RegExp(`(failed|rejected) ${id}$`));
      }
    });
  }

  test(`${label}: an error handler hears what a handler threw instead of the logger`, async () => {
    const { url } = target();
    const id = fresh("handled");
    const client = await Client.open(`${url}/plain/handled/${id}`);
    client.socket.send("oops");
    assert.equal(await client.next(), "sorry");
    assert.equal((await client.close()).code, 1011);
    const { events, logged } = await eventsWhen(url, id, hasClose);
    assert.deepEqual(events, [
      { error: `handled ${id} oops` },
      { close: 1011, reason: "Internal Error" },
    ]);
    assert.deepEqual(logged, []);
  });

  test(`${label}: close codes RFC 6455 forbids, long reasons and objects throw, and leave the connection open`, async () => {
    const { url } = target();
    const id = fresh("misuse");
    const client = await Client.open(`${url}/plain/misuse/${id}`);
    assert.equal(await client.next(), "still open");
    client.socket.close();
    await client.close();
    const { events } = await eventsWhen(url, id, (recorded) => recorded.events.length > 0);
    assert.deepEqual(events, [{
      thrown: {
        code1005: "RangeError",
        code999: "RangeError",
        code5000: "RangeError",
        longReason: "RangeError",
        loneSurrogate: "TypeError",
        object: "TypeError",
      },
      state: 1,
    }]);
  });

  test(`${label}: the middleware stack in front of a WebSocket route logs its 101 and leaves it alone`, async () => {
    const { url } = target();
    const id = fresh("stack");
    const client = await Client.open(`${url}/stack/echo/${id}`);
    client.socket.send("through everything");
    assert.equal(await client.next(), "through everything");
    client.socket.close();
    await client.close();
    const { requests } = await eventsWhen(url, id, hasClose);
    assert.equal(requests.length, 1);
    assert.match(requests[0] as string, new RegExp(`^GET /stack/echo/${id} 101 `));
  });

  test(`${label}: a connection lost without a closing handshake reaches the close handler as 1006`, async () => {
    const { url } = target();
    const id = fresh("lost");
    const answer = await rawHandshake(url, `/plain/echo/${id}`);
    assert.equal(answer.status, 101);
    answer.destroy();
    const { events } = await eventsWhen(url, id, hasClose);
    assert.deepEqual(events.at(-1), { close: 1006, reason: "" });
  });
}
