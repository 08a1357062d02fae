/**
 * Cookies and server-sent events as a module Worker, for
 * tests/toolkit_workerd_test.ts: a signed cookie set and read back, and an
 * event stream of three events.
 *
 * @module
 */

import { App } from "../mod.ts";
import { getCookies, getSignedCookie, setCookie, setSignedCookie } from "../lib/cookie.ts";
import { sse } from "../lib/sse.ts";

const secrets = ["new secret", "old secret"];

const app = new App()
  .post("/login", async () => {
    const response = new Response(null, { status: 204 });
    setCookie(response.headers, { name: "theme", value: "dark", path: "/" });
    await setSignedCookie(
      response.headers,
      { name: "user", value: "ada", httpOnly: true },
      secrets[0] as string,
    );
    return response;
  })
  .get("/me", async (request) =>
    Response.json({
      user: await getSignedCookie(request.headers, "user", secrets) ?? null,
      theme: getCookies(request.headers).theme ?? null,
    }))
  .get("/events", (request) =>
    sse(request, async (stream) => {
      for (let index = 1; index <= 3; index++) {
        await stream.send({ event: "tick", id: String(index), data: `line ${index}\nsecond` });
      }
    }, { keepAlive: false }));

export default app;
