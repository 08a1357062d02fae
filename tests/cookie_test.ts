// getCookies, setCookie and deleteCookie: RFC 6265bis parsing and
// serialising, every check that keeps a value from injecting an attribute or
// a header, the prefix rules, and several Set-Cookie headers kept apart, in
// memory, through an App, and over a real socket.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { App, HttpError } from "../mod.ts";
import { type Cookie, deleteCookie, getCookies, setCookie } from "../lib/cookie.ts";
import { recordingLogger, request } from "./_helpers.ts";
import { serve } from "./_serve.ts";

function cookieHeader(value: string): Headers {
  return new Headers({ cookie: value });
}

/** The Set-Cookie header setCookie writes for `cookie`. */
function serialized(cookie: Cookie): string {
  const headers = new Headers();
  setCookie(headers, cookie);
  const all = headers.getSetCookie();
  assert.equal(all.length, 1);
  return all[0] as string;
}

/** Asserts that setCookie refuses `cookie` with `Error`, a message matching `message`, and writes nothing. */
function refuses(
  cookie: Cookie,
  ErrorClass: typeof TypeError | typeof RangeError,
  message: RegExp,
) {
  const headers = new Headers();
  assert.throws(() => setCookie(headers, cookie), (error: unknown) => {
    assert.ok(error instanceof ErrorClass, `${String(error)} is a ${ErrorClass.name}`);
    assert.match(error.message, message);
    return true;
  });
  assert.deepEqual(headers.getSetCookie(), [], "nothing was appended");
}

test("getCookies() reads every pair of the Cookie header", () => {
  assert.deepEqual(getCookies(cookieHeader("a=1; b=two; c=")), { a: "1", b: "two", c: "" });
});

test("getCookies() gives {} without a Cookie header", () => {
  assert.deepEqual(getCookies(new Headers()), {});
});

test("getCookies() strips spaces and tabs around names and values, not inside values", () => {
  assert.deepEqual(getCookies(cookieHeader(" a = 1 ;\tb=x y\t;c=1")), { a: "1", b: "x y", c: "1" });
});

test("getCookies() splits a pair at its first =, so a value keeps its own", () => {
  assert.deepEqual(getCookies(cookieHeader("token=a=b==; next=1")), { token: "a=b==", next: "1" });
});

test("getCookies() keeps values as sent: quotes and percent-encoding are not undone", () => {
  assert.deepEqual(getCookies(cookieHeader('q="quoted"; p=a%20b')), { q: '"quoted"', p: "a%20b" });
});

test("getCookies() keeps the first of two cookies with one name, the one with the longest path", () => {
  assert.deepEqual(getCookies(cookieHeader("id=specific; id=general")), { id: "specific" });
});

test("getCookies() skips empty pairs and reads a pair without = as a nameless cookie", () => {
  assert.deepEqual(getCookies(cookieHeader("a=1;; ;b=2;")), { a: "1", b: "2" });
  assert.deepEqual(getCookies(cookieHeader("lonely; a=1")), { "": "lonely", a: "1" });
});

test("getCookies() makes __proto__ and constructor own properties, never the prototype", () => {
  const cookies = getCookies(cookieHeader("__proto__=x; constructor=y"));
  assert.equal(Object.getPrototypeOf(cookies), Object.prototype);
  assert.equal(Object.hasOwn(cookies, "__proto__"), true);
  assert.equal(cookies["__proto__"], "x");
  assert.equal(cookies["constructor"], "y");
  assert.equal(Object.hasOwn(getCookies(cookieHeader("a=1")), "toString"), false);
});

test("setCookie() writes name=value alone when no attribute is given", () => {
  assert.equal(serialized({ name: "theme", value: "dark" }), "theme=dark");
});

test("setCookie() writes every attribute, with the names RFC 6265bis gives them", () => {
  assert.equal(
    serialized({
      name: "session",
      value: "abc",
      expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
      maxAge: 3600,
      domain: "example.com",
      path: "/app",
      secure: true,
      httpOnly: true,
      sameSite: "None",
      partitioned: true,
      priority: "High",
    }),
    "session=abc; Expires=Wed, 02 Jan 2030 03:04:05 GMT; Max-Age=3600; Domain=example.com; " +
      "Path=/app; Secure; HttpOnly; SameSite=None; Partitioned; Priority=High",
  );
});

test("setCookie() takes expires as milliseconds too, and sameSite and priority in lower case", () => {
  assert.equal(
    serialized({ name: "a", value: "1", expires: 0, sameSite: "lax", priority: "low" }),
    "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax; Priority=Low",
  );
  assert.equal(serialized({ name: "a", value: "1", sameSite: "strict" }), "a=1; SameSite=Strict");
});

test("setCookie() leaves out attributes that are false or undefined", () => {
  assert.equal(
    serialized({ name: "a", value: "1", secure: false, httpOnly: false, partitioned: false }),
    "a=1",
  );
  assert.equal(serialized({ name: "a", value: "1", path: undefined, domain: undefined }), "a=1");
});

test("setCookie() accepts every cookie-octet, a quoted value and an empty one", () => {
  const octets = "!#$%&'()*+-./0123456789:<=>?@ABCXYZ[]^_`abcxyz{|}~";
  assert.equal(serialized({ name: "a", value: octets }), `a=${octets}`);
  assert.equal(serialized({ name: "a", value: '"quoted"' }), 'a="quoted"');
  assert.equal(serialized({ name: "a", value: "" }), "a=");
});

test("setCookie() refuses a name that is not a token, saying what a name may hold", () => {
  for (
    const name of [
      "",
      "a;b",
      "a b",
      "a=b",
      "a\r\nSet-Cookie: x=1",
      "a\nb",
      "(a)",
      "a,b",
      "é",
      '"a"',
    ]
  ) {
    refuses({ name, value: "1" }, TypeError, /Cookie name must be a token.*choose a name/);
  }
});

test("setCookie() refuses a value that would end the cookie, saying to encode it", () => {
  const bad = [
    "a;b",
    "a; Domain=evil.test",
    "a b",
    'a"b',
    "a,b",
    "a\\b",
    "a\rb",
    "a\nb",
    "\0",
    "é",
    '"a',
    'a"',
  ];
  for (const value of bad) {
    refuses({ name: "a", value }, TypeError, /cannot be sent as it is.*encodeURIComponent/);
  }
});

test("setCookie() refuses a domain or path that would inject an attribute", () => {
  refuses(
    { name: "a", value: "1", domain: "example.com; Secure" },
    TypeError,
    /domain must be a host name/,
  );
  refuses({ name: "a", value: "1", domain: "exa mple.com" }, TypeError, /domain/);
  refuses({ name: "a", value: "1", domain: "example.com\r\nx: y" }, TypeError, /domain/);
  refuses({ name: "a", value: "1", path: "/a;HttpOnly" }, TypeError, /path must start with "\/"/);
  refuses({ name: "a", value: "1", path: "/a\nb" }, TypeError, /path/);
  refuses({ name: "a", value: "1", path: "relative" }, TypeError, /path must start with "\/"/);
  assert.equal(
    serialized({ name: "a", value: "1", domain: ".sub.example.com" }),
    "a=1; Domain=.sub.example.com",
  );
});

test("setCookie() refuses attributes of the wrong type instead of coercing them", () => {
  refuses(
    { name: "a", value: "1", secure: "false" as unknown as boolean },
    TypeError,
    /secure must be true or false/,
  );
  refuses(
    { name: "a", value: "1", sameSite: "Loose" as "Lax" },
    TypeError,
    /sameSite must be "Strict", "Lax" or "None"/,
  );
  refuses(
    { name: "a", value: "1", priority: "Urgent" as "High" },
    TypeError,
    /priority must be "Low", "Medium" or "High"/,
  );
  refuses({ name: "a", value: 1 as unknown as string }, TypeError, /value/);
  refuses(
    { name: "a", value: "1", expires: "tomorrow" as unknown as Date },
    TypeError,
    /expires must be a Date/,
  );
  assert.throws(() => setCookie(new Headers(), null as unknown as Cookie), /takes a cookie object/);
});

test("setCookie() refuses maxAge and expires out of range", () => {
  for (const maxAge of [-1, 1.5, Number.NaN, Infinity]) {
    refuses(
      { name: "a", value: "1", maxAge },
      RangeError,
      /maxAge must be a whole number of seconds/,
    );
  }
  refuses(
    { name: "a", value: "1", expires: new Date(Number.NaN) },
    RangeError,
    /expires must be a valid date/,
  );
  assert.equal(serialized({ name: "a", value: "1", maxAge: 0 }), "a=1; Max-Age=0");
});

test("setCookie() enforces the __Secure- and __Host- prefixes, whatever their case", () => {
  refuses(
    { name: "__Secure-id", value: "1" },
    TypeError,
    /starts with __Secure-.*add secure: true/,
  );
  refuses({ name: "__secure-id", value: "1" }, TypeError, /starts with __secure-/);
  assert.equal(
    serialized({ name: "__Secure-id", value: "1", secure: true }),
    "__Secure-id=1; Secure",
  );

  refuses({ name: "__Host-id", value: "1", path: "/" }, TypeError, /starts with __Host-.*secure/);
  refuses({ name: "__Host-id", value: "1", secure: true }, TypeError, /path "\/" and no domain/);
  refuses({ name: "__HOST-id", value: "1", secure: true, path: "/app" }, TypeError, /path "\/"/);
  refuses(
    { name: "__Host-id", value: "1", secure: true, path: "/", domain: "example.com" },
    TypeError,
    /leave domain out/,
  );
  assert.equal(
    serialized({ name: "__Host-id", value: "1", secure: true, path: "/" }),
    "__Host-id=1; Path=/; Secure",
  );
});

test("setCookie() enforces the __Http- and __Host-Http- prefixes' httpOnly", () => {
  refuses(
    { name: "__Http-id", value: "1", secure: true },
    TypeError,
    /starts with __Http-.*httpOnly: true/,
  );
  refuses(
    { name: "__Host-Http-id", value: "1", secure: true, path: "/" },
    TypeError,
    /starts with __Host-Http-.*httpOnly/,
  );
  assert.equal(
    serialized({ name: "__Host-Http-id", value: "1", secure: true, httpOnly: true, path: "/" }),
    "__Host-Http-id=1; Path=/; Secure; HttpOnly",
  );
});

test("setCookie() refuses sameSite None and partitioned without secure, which browsers drop", () => {
  refuses(
    { name: "a", value: "1", sameSite: "None" },
    TypeError,
    /sameSite "None" without secure.*add secure: true/,
  );
  refuses({ name: "a", value: "1", partitioned: true }, TypeError, /partitioned without secure/);
});

test("setCookie() refuses a cookie over 4096 bytes, which browsers drop", () => {
  refuses(
    { name: "a", value: "x".repeat(4096) },
    RangeError,
    /4097 bytes long.*store the data on the server/,
  );
  assert.equal(serialized({ name: "a", value: "x".repeat(4095) }).length, 4097);
  refuses({ name: "a", value: "1", path: `/${"p".repeat(1024)}` }, TypeError, /path/);
});

test("setCookie() appends: several Set-Cookie headers stay apart, with commas in their dates", () => {
  const headers = new Headers({ "set-cookie": "first=1" });
  setCookie(headers, { name: "a", value: "1", expires: 0 });
  setCookie(headers, { name: "b", value: "2" });
  assert.deepEqual(headers.getSetCookie(), [
    "first=1",
    "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    "b=2",
  ]);
});

test("deleteCookie() expires the cookie with the attributes it was set with", () => {
  const headers = new Headers();
  deleteCookie(headers, "session", { path: "/app", domain: "example.com", httpOnly: true });
  assert.deepEqual(headers.getSetCookie(), [
    "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=example.com; Path=/app; HttpOnly",
  ]);
});

test("deleteCookie() gives prefixed names the attributes their prefix needs, unless told otherwise", () => {
  const headers = new Headers();
  deleteCookie(headers, "__Secure-id");
  deleteCookie(headers, "__Host-id");
  deleteCookie(headers, "__Host-Http-id");
  assert.deepEqual(headers.getSetCookie(), [
    "__Secure-id=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure",
    "__Host-id=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure",
    "__Host-Http-id=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure; HttpOnly",
  ]);
  assert.throws(() => deleteCookie(new Headers(), "__Host-id", { path: "/app" }), /path "\/"/);
});

test("deleteCookie() refuses a name that is not a token", () => {
  const headers = new Headers();
  assert.throws(() => deleteCookie(headers, "a;b"), TypeError);
  assert.throws(() => deleteCookie(headers, "a\r\nx: y"), /Cookie name must be a token/);
  assert.deepEqual(headers.getSetCookie(), []);
});

test("A middleware deletes the session cookie on the 401 a handler throws, through a real App", async () => {
  const logger = recordingLogger();
  const app = new App({ logger })
    .use((next) => async (request, ctx) => {
      const response = await next(request, ctx);
      if (response.status === 401) deleteCookie(response.headers, "session", { path: "/" });
      return response;
    })
    .use((next) => (request, ctx) => {
      // The auth middleware sets a cookie of its own on every answer, errors included.
      const response = next(request, ctx);
      return Promise.resolve(response).then((answer) => {
        setCookie(answer.headers, { name: "seen", value: "1" });
        return answer;
      });
    })
    .get("/account", (request) => {
      if (getCookies(request.headers).session !== "valid") {
        throw new HttpError(401, "Sign in again");
      }
      return new Response("your account");
    });

  const refused = await request(app, "/account", { headers: { cookie: "session=expired" } });
  assert.equal(refused.status, 401);
  assert.deepEqual(refused.headers.getSetCookie(), [
    "seen=1",
    "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
  ]);
  const served = await request(app, "/account", { headers: { cookie: "session=valid" } });
  assert.equal(served.status, 200);
  assert.deepEqual(served.headers.getSetCookie(), ["seen=1"]);
  assert.equal(logger.entries.length, 0, "a 401 is not logged");
});

test("A middleware deletes the session cookie on a 401 an auth middleware throws, through build.respond", async () => {
  const app = new App({ logger: recordingLogger() })
    .use((next, build) => async (request, ctx) => {
      let response: Response;
      try {
        response = await next(request, ctx);
      } catch (error) {
        // Thrown by a middleware, the error is answered outside it: answer it here, as the app would.
        response = await build.respond(error, request, ctx);
      }
      if (response.status === 401) deleteCookie(response.headers, "__Host-session");
      return response;
    })
    .use((next) => (request, ctx) => {
      if (getCookies(request.headers)["__Host-session"] !== "valid") {
        throw new HttpError(401, "Sign in again");
      }
      return next(request, ctx);
    })
    .get("/account", () => new Response("your account"));

  const refused = await request(app, "/account", { headers: { cookie: "__Host-session=stolen" } });
  assert.equal(refused.status, 401);
  assert.equal(refused.headers.get("content-type"), "application/problem+json");
  assert.deepEqual(refused.headers.getSetCookie(), [
    "__Host-session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure",
  ]);
  const served = await request(app, "/account", { headers: { cookie: "__Host-session=valid" } });
  assert.equal(await served.text(), "your account");
  assert.deepEqual(served.headers.getSetCookie(), []);
});

test("Set-Cookie headers reach the client apart, and the Cookie header back, over a real socket", async () => {
  const app = new App()
    .get("/login", () => {
      const response = new Response(null, { status: 401 });
      setCookie(response.headers, { name: "a", value: "1", path: "/", expires: 0 });
      setCookie(response.headers, { name: "b", value: "x=y", httpOnly: true });
      deleteCookie(response.headers, "old");
      return response;
    })
    .get("/echo", (request) => Response.json(getCookies(request.headers)));
  const server = serve(app.fetch);
  try {
    const login = await fetch(`${server.url}/login`);
    await login.body?.cancel();
    assert.equal(login.status, 401);
    assert.deepEqual(login.headers.getSetCookie(), [
      "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
      "b=x=y; HttpOnly",
      "old=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0",
    ]);
    const pairs = login.headers.getSetCookie().map((header) => header.split(";")[0]).join("; ");
    const echo = await fetch(`${server.url}/echo`, { headers: { cookie: pairs } });
    assert.deepEqual(await echo.json(), { a: "1", b: "x=y", old: "" });
  } finally {
    await server.stop();
  }
});

// ---- properties -------------------------------------------------------------------------------

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const OCTETS = Array.from({ length: 0x7f }, (_, code) => String.fromCharCode(code))
  .filter((char) => /[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]/.test(char));

const tokenName = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 20 })
  // The prefixes have rules of their own, tested above.
  .filter((name) => !name.startsWith("__"));
const cookieValue = fc.string({ unit: fc.constantFrom(...OCTETS), maxLength: 60 });

test("Property: any token name and cookie-octet value set is read back exactly by getCookies()", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(tokenName, cookieValue), {
        selector: ([name]) => name,
        maxLength: 8,
      }),
      (cookies) => {
        const response = new Headers();
        for (const [name, value] of cookies) setCookie(response, { name, value, path: "/" });
        const sent = response.getSetCookie().map((header) => header.split("; Path=/")[0]);
        assert.equal(sent.length, cookies.length);
        const request = new Headers(sent.length === 0 ? {} : { cookie: sent.join("; ") });
        const expected: Record<string, string> = {};
        for (const [name, value] of cookies) expected[name] = value;
        assert.deepEqual(getCookies(request), expected);
      },
    ),
    { numRuns: 300 },
  );
});

/** Characters that end an attribute or a header, or are not ASCII: forbidden in every part. */
const BREAKING = [";", "\r", "\n", "\r\n", " ", "\0", "\t", "\x7f", "é", "\u2028"];

/** `cookieValue` with one of `forbidden` somewhere in it. */
function hostile(forbidden: readonly string[]) {
  return fc.tuple(cookieValue, fc.constantFrom(...forbidden), cookieValue)
    .map(([before, bad, after]) => `${before}${bad}${after}`)
    // One pair of outer quotes is a valid quoted value.
    .filter((value) => !/^"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*"$/.test(value));
}

test("Property: a value, name, path or domain holding a forbidden character is a TypeError, never a header", () => {
  const part = fc.oneof(
    // A value also refuses quotes inside, commas and backslashes; a name, any separator.
    fc.tuple(fc.constant("value"), hostile([...BREAKING, '"', ",", "\\"])),
    fc.tuple(fc.constant("name"), hostile([...BREAKING, '"', ",", "\\", "=", "(", "@"])),
    fc.tuple(fc.constant("path"), hostile(BREAKING)),
    fc.tuple(fc.constant("domain"), hostile([...BREAKING, ",", "/", ":"])),
  );
  fc.assert(
    fc.property(part, ([where, text]) => {
      const cookie: Cookie = { name: "a", value: "1" };
      if (where === "value") cookie.value = text;
      else if (where === "name") cookie.name = text;
      else if (where === "path") cookie.path = `/${text}`;
      else cookie.domain = `example.com${text}`;
      const headers = new Headers();
      assert.throws(() => setCookie(headers, cookie), TypeError);
      assert.deepEqual(headers.getSetCookie(), []);
    }),
    { numRuns: 500 },
  );
});
