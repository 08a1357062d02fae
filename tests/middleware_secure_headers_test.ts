import { test } from "node:test";
import assert from "node:assert/strict";
import { App, HttpError, type Middleware } from "../mod.ts";
import { secureHeaders, type SecureHeadersOptions } from "../lib/middleware/mod.ts";
import { recordingLogger, request } from "./_helpers.ts";

const DEFAULTS = {
  "content-security-policy": "base-uri 'self'; frame-ancestors 'self'; object-src 'none'",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
};

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) {
    if (name !== "content-type") headers[name] = value;
  }
  return headers;
}

test("secureHeaders() adds the default set to every response", async () => {
  const app = new App().use(secureHeaders()).get("/", () => new Response());
  assert.deepEqual(headersOf(await request(app, "/")), DEFAULTS);
});

test("secureHeaders() replaces a default with a given value and leaves out a header set to false", async () => {
  const app = new App().use(
    secureHeaders({
      contentSecurityPolicy: "default-src 'none'",
      xFrameOptions: false,
      strictTransportSecurity: false,
    }),
  ).get("/", () => new Response());
  const headers = headersOf(await request(app, "/"));
  assert.equal(headers["content-security-policy"], "default-src 'none'");
  assert.equal("x-frame-options" in headers, false);
  assert.equal("strict-transport-security" in headers, false);
  assert.equal(headers["x-content-type-options"], "nosniff");
});

test("secureHeaders() leaves alone the headers the handler set", async () => {
  const app = new App().use(secureHeaders()).get("/embed", () =>
    new Response("", {
      headers: {
        "x-frame-options": "DENY",
        "content-security-policy": "frame-ancestors https://partner.example",
      },
    }));
  const headers = headersOf(await request(app, "/embed"));
  assert.equal(headers["x-frame-options"], "DENY");
  assert.equal(headers["content-security-policy"], "frame-ancestors https://partner.example");
  assert.equal(headers["referrer-policy"], "no-referrer");
});

test("secureHeaders() adds the set to 404s, 500s, redirects and a later middleware's HttpError", async () => {
  const refuse: Middleware = () => () => {
    throw new HttpError(401, "Log in");
  };
  const app = new App({ logger: recordingLogger() }).use(secureHeaders())
    .get("/boom", () => {
      throw new Error("boom");
    })
    .get("/old", () => Response.redirect("http://localhost/new", 308));
  for (const [path, status] of [["/missing", 404], ["/boom", 500], ["/old", 308]] as const) {
    const response = await request(app, path);
    assert.equal(response.status, status);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff", path);
  }
  const guarded = new App().use(secureHeaders(), refuse).get("/", () => new Response());
  const response = await request(guarded, "/");
  assert.equal(response.status, 401);
  assert.equal(
    response.headers.get("strict-transport-security"),
    DEFAULTS["strict-transport-security"],
  );
});

test("secureHeaders() refuses an unknown option or a value that is not a header value", () => {
  assert.throws(() => secureHeaders({ xFrameOption: "DENY" } as SecureHeadersOptions), {
    name: "TypeError",
    message: /no option "xFrameOption": use one of .*xFrameOptions/,
  });
  assert.throws(() => secureHeaders({ referrerPolicy: "" }), { name: "TypeError" });
  assert.throws(() => secureHeaders({ referrerPolicy: "a\r\nSet-Cookie: x" }), {
    name: "TypeError",
  });
  assert.throws(
    () => secureHeaders({ xFrameOptions: true as unknown as string }),
    { message: /or false to leave the header out/ },
  );
  assert.doesNotThrow(() => secureHeaders({ xFrameOptions: undefined }));
});

test("secureHeaders() refuses at once a value no header can carry, instead of failing every request", () => {
  assert.throws(
    () => secureHeaders({ contentSecurityPolicy: "default-src 'self' https://\u20ac.example" }),
    { name: "TypeError", message: /contentSecurityPolicy must be a header value/ },
  );
  assert.doesNotThrow(() => secureHeaders({ referrerPolicy: "  same-origin  " }));
});
