/**
 * The same schemas written with zod 4, valibot 1 and arktype 2, so that one
 * validation suite (validation_test.ts) and one types suite run over all
 * three. Each kit makes the schemas a case needs; what they accept is the
 * same in every library.
 *
 * @module
 */

import { z } from "zod";
import * as v from "valibot";
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { type as ark } from "arktype";
import type { StandardSchemaV1 } from "../mod.ts";

/** The schemas of one library; each is a Standard Schema. */
export interface Kit {
  readonly name: "zod" | "valibot" | "arktype";
  /** `{ list: /^[a-z]+$/ }`, for params. */
  readonly listParams: StandardSchemaV1<unknown, { list: string }>;
  /** `{ dry?: "0" | "1" }`, for the query. */
  readonly dryQuery: StandardSchemaV1<unknown, { dry?: "0" | "1" | undefined }>;
  /** `{ "x-tenant": string }`, for headers. */
  readonly tenantHeaders: StandardSchemaV1<unknown, { "x-tenant": string }>;
  /** `{ title: string (1 to 200), done: boolean = false }`, for a JSON body. */
  readonly todoBody: StandardSchemaV1<unknown, { title: string; done: boolean }>;
  /** `{ id: number, title: string, done: boolean }`, for a response. */
  readonly todoResponse: StandardSchemaV1<unknown, { id: number; title: string; done: boolean }>;
  /** `{ tag: string[] }`: a query key that must be repeated. */
  readonly tagsQuery: StandardSchemaV1<unknown, { tag: string[] }>;
  /** `{ q: string }`: a query key given once. */
  readonly searchQuery: StandardSchemaV1<unknown, { q: string }>;
  /** `{ n: string → number }`: a transform. */
  readonly numberQuery: StandardSchemaV1<unknown, { n: number }>;
  /** `{ title: string, tag: string[] }`, for a form body. */
  readonly formBody: StandardSchemaV1<unknown, { title: string; tag: string[] }>;
  /** `{ title: string, file: File }`, for a multipart body. */
  readonly uploadBody: StandardSchemaV1<unknown, { title: string; file: File }>;
  /** `{ email: email, password: string of 12 or more }`: what must never come back. */
  readonly signupBody: StandardSchemaV1<unknown, { email: string; password: string }>;
  /** `{ count: number > 0 }`: a bound whose digits a refused value can share. */
  readonly positiveBody: StandardSchemaV1<unknown, { count: number }>;
  /** `{ name: string }` checked by an async rule (the name is not "taken"). */
  readonly asyncBody: StandardSchemaV1<unknown, { name: string }>;
  /** The same async rule on a query key, which has no body to wait for. */
  readonly asyncQuery: StandardSchemaV1<unknown, { name: string }>;
}

/** An async check: the name "taken" is refused, after a turn of the event loop. */
async function free(name: string): Promise<boolean> {
  await Promise.resolve();
  return name !== "taken";
}

export const zodKit: Kit = {
  name: "zod",
  listParams: z.object({ list: z.string().regex(/^[a-z]+$/) }),
  dryQuery: z.object({ dry: z.enum(["0", "1"]).optional() }),
  tenantHeaders: z.object({ "x-tenant": z.string() }),
  todoBody: z.object({ title: z.string().min(1).max(200), done: z.boolean().default(false) }),
  todoResponse: z.object({ id: z.number(), title: z.string(), done: z.boolean() }),
  tagsQuery: z.object({ tag: z.array(z.string()) }),
  searchQuery: z.object({ q: z.string() }),
  numberQuery: z.object({ n: z.string().transform(Number) }),
  formBody: z.object({ title: z.string(), tag: z.array(z.string()) }),
  uploadBody: z.object({ title: z.string(), file: z.instanceof(File) }),
  signupBody: z.object({ email: z.email(), password: z.string().min(12) }),
  positiveBody: z.object({ count: z.number().positive() }),
  asyncBody: z.object({ name: z.string().refine(free, "That name is taken") }),
  asyncQuery: z.object({ name: z.string().refine(free, "That name is taken") }),
};

export const valibotKit: Kit = {
  name: "valibot",
  // Wrapped so that the OpenAPI document gets their JSON Schema; validation is valibot's own.
  listParams: toStandardJsonSchema(v.object({ list: v.pipe(v.string(), v.regex(/^[a-z]+$/)) })),
  dryQuery: toStandardJsonSchema(v.object({ dry: v.optional(v.picklist(["0", "1"])) })),
  tenantHeaders: toStandardJsonSchema(v.object({ "x-tenant": v.string() })),
  todoBody: toStandardJsonSchema(
    v.object({
      title: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
      done: v.optional(v.boolean(), false),
    }),
  ),
  todoResponse: toStandardJsonSchema(
    v.object({ id: v.number(), title: v.string(), done: v.boolean() }),
  ),
  tagsQuery: v.object({ tag: v.array(v.string()) }),
  searchQuery: v.object({ q: v.string() }),
  numberQuery: v.object({ n: v.pipe(v.string(), v.transform(Number)) }),
  formBody: v.object({ title: v.string(), tag: v.array(v.string()) }),
  uploadBody: v.object({ title: v.string(), file: v.instance(File) }),
  signupBody: v.object({
    email: v.pipe(v.string(), v.email()),
    password: v.pipe(v.string(), v.minLength(12)),
  }),
  positiveBody: v.object({ count: v.pipe(v.number(), v.gtValue(0)) }),
  asyncBody: v.objectAsync({
    name: v.pipeAsync(v.string(), v.checkAsync(free, "That name is taken")),
  }),
  asyncQuery: v.objectAsync({
    name: v.pipeAsync(v.string(), v.checkAsync(free, "That name is taken")),
  }),
};

/** arktype validates synchronously only: its async case is its schema behind an async `validate`. */
function asynchronously<Output>(
  schema: StandardSchemaV1<unknown, Output>,
  check: (value: Output) => Promise<boolean>,
  message: string,
): StandardSchemaV1<unknown, Output> {
  return {
    "~standard": {
      version: 1,
      vendor: "arktype+async",
      async validate(input) {
        const result = await schema["~standard"].validate(input);
        if (result.issues) return result;
        return await check(result.value) ? result : { issues: [{ message, path: ["name"] }] };
      },
    },
  };
}

const arkName = ark({ name: "string" });

export const arktypeKit: Kit = {
  name: "arktype",
  listParams: ark({ list: /^[a-z]+$/ }),
  dryQuery: ark({ "dry?": "'0' | '1'" }),
  tenantHeaders: ark({ "x-tenant": "string" }),
  todoBody: ark({ title: "1 <= string <= 200", done: "boolean = false" }),
  todoResponse: ark({ id: "number", title: "string", done: "boolean" }),
  tagsQuery: ark({ tag: "string[]" }),
  searchQuery: ark({ q: "string" }),
  numberQuery: ark({ n: ark("string").pipe(Number) }),
  formBody: ark({ title: "string", tag: "string[]" }),
  uploadBody: ark({ title: "string", file: ark.instanceOf(File) }),
  signupBody: ark({ email: "string.email", password: "string >= 12" }),
  positiveBody: ark({ count: "number > 0" }),
  asyncBody: asynchronously(arkName, ({ name }) => free(name), "That name is taken"),
  asyncQuery: asynchronously(arkName, ({ name }) => free(name), "That name is taken"),
};

/** Every kit, for a suite to run over. */
export const KITS: readonly Kit[] = [zodKit, valibotKit, arktypeKit];
