// setSignedCookie and getSignedCookie: HMAC-SHA-256 through WebCrypto,
// checked against an HMAC the test computes itself; tampering of any kind
// reads as undefined; secrets rotate (the first signs, all verify).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { App } from "../mod.ts";
import { type Cookie, getSignedCookie, setCookie, setSignedCookie } from "../lib/cookie.ts";
import { serve } from "./_serve.ts";

const SECRET = "a test secret that is long enough to be a real one";
const OLD_SECRET = "the secret the previous release signed with";

/** The `name=value` pair setSignedCookie writes for `cookie`, and its whole header. */
async function signed(cookie: Cookie, secret: string | readonly string[] = SECRET) {
  const headers = new Headers();
  await setSignedCookie(headers, cookie, secret);
  const [header, ...others] = headers.getSetCookie();
  assert.equal(others.length, 0);
  return { header: header as string, pair: (header as string).split(";")[0] as string };
}

function requestHeaders(cookie: string): Headers {
  return new Headers({ cookie });
}

/** HMAC-SHA-256 of `message` with `secret`, in unpadded base64url, computed here independently. */
async function hmac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const bytes = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)),
  );
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}

test("setSignedCookie() appends value.signature, an HMAC-SHA-256 of name=value, with the attributes", async () => {
  const { header } = await signed({ name: "user", value: "ada", path: "/", httpOnly: true });
  assert.equal(header, `user=ada.${await hmac(SECRET, "user=ada")}; Path=/; HttpOnly`);
});

test("getSignedCookie() reads back the value setSignedCookie signed", async () => {
  for (const value of ["ada", "", "a.b.c", "x=y", "%E2%9C%93"]) {
    const { pair } = await signed({ name: "user", value });
    assert.equal(await getSignedCookie(requestHeaders(pair), "user", SECRET), value);
  }
});

test("getSignedCookie() reads a missing, unsigned or malformed cookie as undefined", async () => {
  const signature = await hmac(SECRET, "user=ada");
  const cases = [
    "other=1",
    "user=ada",
    "user=",
    "user=ada.",
    `user=ada.${signature}=`,
    `user=ada.${signature.slice(1)}`,
    `user=ada.${signature}A`,
    `user=ada!${signature}`,
    `user=ada.${signature.replaceAll(/[-_]/g, "+")}`,
  ];
  for (const cookie of cases) {
    assert.equal(await getSignedCookie(requestHeaders(cookie), "user", SECRET), undefined, cookie);
  }
  assert.equal(await getSignedCookie(new Headers(), "user", SECRET), undefined);
  assert.equal(await getSignedCookie(requestHeaders("a=1"), "toString", SECRET), undefined);
});

test("getSignedCookie() reads a tampered value or signature as undefined", async () => {
  const { pair } = await signed({ name: "role", value: "user" });
  const [, stored] = pair.split("=") as [string, string];
  const signature = stored.slice(stored.lastIndexOf(".") + 1);
  assert.equal(
    await getSignedCookie(requestHeaders(`role=admin.${signature}`), "role", SECRET),
    undefined,
  );
  const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
  assert.equal(
    await getSignedCookie(requestHeaders(`role=user.${flipped}`), "role", SECRET),
    undefined,
  );
});

test("getSignedCookie() refuses a value signed for another cookie's name", async () => {
  const { pair } = await signed({ name: "guest", value: "ada" });
  const moved = pair.replace(/^guest=/, "admin=");
  assert.equal(await getSignedCookie(requestHeaders(moved), "admin", SECRET), undefined);
  assert.equal(await getSignedCookie(requestHeaders(pair), "guest", SECRET), "ada");
});

test("getSignedCookie() refuses a cookie signed with another secret", async () => {
  const { pair } = await signed({ name: "user", value: "ada" }, "somebody else's secret");
  assert.equal(await getSignedCookie(requestHeaders(pair), "user", SECRET), undefined);
});

test("Secrets rotate: the first of a list signs, and every one verifies", async () => {
  const before = await signed({ name: "user", value: "ada" }, OLD_SECRET);
  const after = await signed({ name: "user", value: "ada" }, [SECRET, OLD_SECRET]);
  assert.equal(after.pair, `user=ada.${await hmac(SECRET, "user=ada")}`);
  for (const { pair } of [before, after]) {
    assert.equal(await getSignedCookie(requestHeaders(pair), "user", [SECRET, OLD_SECRET]), "ada");
  }
  assert.equal(await getSignedCookie(requestHeaders(before.pair), "user", [SECRET]), undefined);
});

test("A CryptoKey for HMAC SHA-256 signs and verifies like its raw secret", async () => {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const headers = new Headers();
  await setSignedCookie(headers, { name: "user", value: "ada" }, key);
  const pair = (headers.getSetCookie()[0] as string).split(";")[0] as string;
  assert.equal(pair, (await signed({ name: "user", value: "ada" })).pair);
  assert.equal(await getSignedCookie(requestHeaders(pair), "user", [key]), "ada");
});

test("Signing refuses a missing secret or a key of another kind, saying what to pass", async () => {
  const headers = new Headers();
  const cookie = { name: "user", value: "ada" };
  await assert.rejects(setSignedCookie(headers, cookie, ""), /empty secret/);
  await assert.rejects(setSignedCookie(headers, cookie, []), /needs at least one secret/);
  await assert.rejects(
    getSignedCookie(headers, "user", []),
    /getSignedCookie\(\) needs at least one secret/,
  );
  await assert.rejects(setSignedCookie(headers, cookie, 42 as unknown as string), TypeError);
  const aesKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 128 }, false, [
    "encrypt",
  ]);
  await assert.rejects(
    setSignedCookie(headers, cookie, aesKey as CryptoKey),
    /HMAC key for SHA-256/,
  );
  const sha1Key = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  await assert.rejects(
    getSignedCookie(headers, "user", sha1Key as CryptoKey),
    /HMAC key for SHA-256/,
  );
  assert.deepEqual(headers.getSetCookie(), []);
});

test("setSignedCookie() checks the cookie as setCookie() does, quoting the unsigned value", async () => {
  const headers = new Headers();
  await assert.rejects(setSignedCookie(headers, { name: "user", value: "a;b" }, SECRET), /"a;b"/);
  await assert.rejects(
    setSignedCookie(headers, { name: "user", value: '"quoted"' }, SECRET),
    /cannot be signed with a quoted value.*leave the quotes out/,
  );
  await assert.rejects(
    setSignedCookie(headers, { name: "__Host-user", value: "ada" }, SECRET),
    /__Host-.*secure/,
  );
  // The signature takes 44 bytes: a value that fits unsigned may not fit signed.
  await assert.rejects(
    setSignedCookie(headers, { name: "user", value: "x".repeat(4060) }, SECRET),
    RangeError,
  );
  assert.deepEqual(headers.getSetCookie(), []);
});

test("A signed session cookie goes to the client and back over a real socket", async () => {
  const app = new App()
    .post("/login", async () => {
      const response = new Response(null, { status: 204 });
      await setSignedCookie(
        response.headers,
        { name: "session", value: "ada", httpOnly: true },
        SECRET,
      );
      setCookie(response.headers, { name: "theme", value: "dark" });
      return response;
    })
    .get("/me", async (request) => {
      const user = await getSignedCookie(request.headers, "session", [SECRET]);
      return user === undefined ? new Response("who?", { status: 401 }) : new Response(user);
    });
  const server = serve(app.fetch);
  try {
    const login = await fetch(`${server.url}/login`, { method: "POST" });
    const cookies = login.headers.getSetCookie();
    assert.equal(cookies.length, 2);
    const cookie = cookies.map((header) => header.split(";")[0]).join("; ");
    const me = await fetch(`${server.url}/me`, { headers: { cookie } });
    assert.equal(await me.text(), "ada");
    const forged = await fetch(`${server.url}/me`, {
      headers: { cookie: cookie.replace("session=ada.", "session=eve.") },
    });
    assert.equal(forged.status, 401);
    await forged.body?.cancel();
  } finally {
    await server.stop();
  }
});

test("Property: any cookie-octet value round-trips, and changing any one character of it is refused", async () => {
  const octets = Array.from({ length: 0x7f }, (_, code) => String.fromCharCode(code))
    .filter((char) => /[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]/.test(char));
  const value = fc.string({ unit: fc.constantFrom(...octets), maxLength: 40 });
  await fc.assert(
    fc.asyncProperty(value, fc.nat(), fc.constantFrom(...octets), async (text, at, replacement) => {
      const { pair } = await signed({ name: "v", value: text });
      assert.equal(await getSignedCookie(requestHeaders(pair), "v", SECRET), text);
      const stored = pair.slice(2);
      const index = at % stored.length;
      if (stored[index] === replacement) return;
      const tampered = stored.slice(0, index) + replacement + stored.slice(index + 1);
      assert.equal(
        await getSignedCookie(requestHeaders(`v=${tampered}`), "v", SECRET),
        undefined,
        tampered,
      );
    }),
    { numRuns: 200 },
  );
});
