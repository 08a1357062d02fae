/**
 * Cookies and server-sent events as a module Worker, for
 * tests/toolkit_workerd_test.ts: a signed cookie set and read back, an
 * event stream of three events, and a JSON body under `compress()`.
 *
 * @module
 */

import { App } from "../mod.ts";
import { getCookies, getSignedCookie, setCookie, setSignedCookie } from "../lib/cookie.ts";
import { sse } from "../lib/sse.ts";
import { compress } from "../lib/middleware/compress.ts";

const secrets = ["new secret", "old secret"];

/** What `/compressed/notes` answers: JSON well over compress()'s 1 KiB threshold. */
export const NOTES = Array.from({ length: 200 }, (_, id) => ({ id, text: `note ${id}` }));

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
    }, { keepAlive: false }))
  .mount("/compressed", new App().use(compress()).get("/notes", () => Response.json(NOTES)))
  // The Workers idiom for changing a response's headers: a copy made from it, outside compress().
  .mount(
    "/compressed-copied",
    new App()
      .use((next) => async (request, ctx) => {
        const response = await next(request, ctx);
        const copy = new Response(response.body, response);
        copy.headers.set("x-copied", "1");
        return copy;
      })
      .use(compress())
      .get("/notes", () => Response.json(NOTES)),
  );

export default app;
