/**
 * The Standard Schema and Standard JSON Schema interfaces (standardschema.dev,
 * `@standard-schema/spec` 1.1), which zod 4, valibot 1, arktype 2 and most
 * other schema libraries implement: what latch's route options accept.
 *
 * Copied rather than imported, as the spec invites: `@standard-schema/spec`
 * is types only, and a copy keeps latch free of any dependency, for
 * `deno publish` and npm consumers alike. The shapes are the spec's, member
 * for member, so the spec's own types and latch's are assignable both ways
 * (a types test checks it). Types only: this file imports nothing.
 *
 * @module
 */

/**
 * A schema any Standard Schema library makes: `schema["~standard"].validate(value)`
 * returns the parsed value or the issues, sync or as a promise.
 *
 * @typeParam Input What the schema accepts.
 * @typeParam Output What it parses the input into.
 *
 * @example A hand-written schema (a library makes these for you)
 * ```ts
 * import type { StandardSchemaV1 } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const evenNumber: StandardSchemaV1<unknown, number> = {
 *   "~standard": {
 *     version: 1,
 *     vendor: "example",
 *     validate: (value) =>
 *       typeof value === "number" && value % 2 === 0
 *         ? { value }
 *         : { issues: [{ message: "Expected an even number" }] },
 *   },
 * };
 * assert.deepEqual(evenNumber["~standard"].validate(4), { value: 4 });
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

/**
 * The members of {@linkcode StandardSchemaV1}, and `InferInput`/`InferOutput`
 * to get a schema's types.
 *
 * @example The type a schema parses into
 * ```ts
 * import type { StandardSchemaV1 } from "@latch/latch";
 *
 * type Title = StandardSchemaV1.InferOutput<StandardSchemaV1<unknown, string>>;
 * const title: Title = "Buy milk";
 * ```
 */
export declare namespace StandardSchemaV1 {
  /** The Standard Schema properties interface. */
  export interface Props<Input = unknown, Output = Input> {
    /** The version number of the standard. */
    readonly version: 1;
    /** The vendor name of the schema library. */
    readonly vendor: string;
    /** Validates unknown input values. */
    readonly validate: (
      value: unknown,
      options?: StandardSchemaV1.Options | undefined,
    ) => Result<Output> | Promise<Result<Output>>;
    /** Inferred types associated with the schema. */
    readonly types?: Types<Input, Output> | undefined;
  }
  /** The result interface of the validate function. */
  export type Result<Output> = SuccessResult<Output> | FailureResult;
  /** The result interface if validation succeeds. */
  export interface SuccessResult<Output> {
    /** The typed output value. */
    readonly value: Output;
    /** A falsy value for `issues` indicates success. */
    readonly issues?: undefined;
  }
  /** Options for the validate function. */
  export interface Options {
    /** Explicit support for additional vendor-specific parameters, if needed. */
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }
  /** The result interface if validation fails. */
  export interface FailureResult {
    /** The issues of failed validation. */
    readonly issues: ReadonlyArray<Issue>;
  }
  /** The issue interface of the failure output. */
  export interface Issue {
    /** The error message of the issue. */
    readonly message: string;
    /** The path of the issue, if any. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** The path segment interface of the issue. */
  export interface PathSegment {
    /** The key representing a path segment. */
    readonly key: PropertyKey;
  }
  /** The Standard types interface. */
  export interface Types<Input = unknown, Output = Input> {
    /** The input type of the schema. */
    readonly input: Input;
    /** The output type of the schema. */
    readonly output: Output;
  }
  /** Infers the input type of a Standard Schema. */
  export type InferInput<Schema extends StandardSchemaV1> = NonNullable<
    Schema["~standard"]["types"]
  >["input"];
  /** Infers the output type of a Standard Schema. */
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<
    Schema["~standard"]["types"]
  >["output"];
}

/**
 * A schema that can describe itself as JSON Schema (Standard JSON Schema):
 * what `@latch/latch/openapi` documents a route's schemas with. zod 4 and
 * arktype 2 schemas are; a valibot schema is once wrapped with
 * `toStandardJsonSchema()` from `@valibot/to-json-schema`.
 *
 * @typeParam Input What the schema accepts.
 * @typeParam Output What it parses the input into.
 *
 * @example
 * ```ts
 * import type { StandardJSONSchemaV1 } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const title: StandardJSONSchemaV1<string> = {
 *   "~standard": {
 *     version: 1,
 *     vendor: "example",
 *     jsonSchema: { input: () => ({ type: "string" }), output: () => ({ type: "string" }) },
 *   },
 * };
 * assert.deepEqual(title["~standard"].jsonSchema.input({ target: "draft-2020-12" }), { type: "string" });
 * ```
 */
export interface StandardJSONSchemaV1<Input = unknown, Output = Input> {
  /** The Standard JSON Schema properties. */
  readonly "~standard": StandardJSONSchemaV1.Props<Input, Output>;
}

/**
 * The members of {@linkcode StandardJSONSchemaV1}.
 *
 * @example
 * ```ts
 * import type { StandardJSONSchemaV1 } from "@latch/latch";
 *
 * const options: StandardJSONSchemaV1.Options = { target: "draft-2020-12" };
 * ```
 */
export declare namespace StandardJSONSchemaV1 {
  /** The Standard JSON Schema properties interface. */
  export interface Props<Input = unknown, Output = Input> {
    /** The version number of the standard. */
    readonly version: 1;
    /** The vendor name of the schema library. */
    readonly vendor: string;
    /** Inferred types associated with the schema. */
    readonly types?: StandardSchemaV1.Types<Input, Output> | undefined;
    /** Methods for generating the input/output JSON Schema. */
    readonly jsonSchema: Converter;
  }
  /** The Standard JSON Schema converter interface. */
  export interface Converter {
    /** Converts the input type to JSON Schema. May throw if conversion is not supported. */
    readonly input: (options: Options) => Record<string, unknown>;
    /** Converts the output type to JSON Schema. May throw if conversion is not supported. */
    readonly output: (options: Options) => Record<string, unknown>;
  }
  /** The target version of the generated JSON Schema. */
  // deno-lint-ignore ban-types -- `{} & string` is the spec's way to allow any string while keeping the named ones suggested
  export type Target = "draft-2020-12" | "draft-07" | "openapi-3.0" | ({} & string);
  /** The options for the input/output methods. */
  export interface Options {
    /** The target version of the generated JSON Schema. */
    readonly target: Target;
    /** Explicit support for additional vendor-specific parameters, if needed. */
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }
}
