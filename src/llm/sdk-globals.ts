import { LiteHeaders } from "./lite-headers.js";

/**
 * What the CLI's bundle gives the openai SDK in place of globals it touches on every request
 * (rolldown.config.mjs binds these names in front of the SDK's own modules). In Node 20 the first touch
 * of `Headers` or `FormData` loads undici, and of `ReadableStream` the web-streams stack, although the
 * model requests use neither (they go through httpFetch with string bodies).
 */
export { LiteHeaders as Headers };

/**
 * `value instanceof <the global NAME>` without loading it: Node keeps such a global an accessor until its
 * first touch, and until then nothing can have been made from it, so nothing is an instance.
 */
function untouchedGlobal(name: "FormData" | "ReadableStream"): { [Symbol.hasInstance](value: unknown): boolean } {
  return {
    [Symbol.hasInstance](value: unknown): boolean {
      const own = Object.getOwnPropertyDescriptor(globalThis, name);
      return own !== undefined && "value" in own && typeof own.value === "function" && value instanceof own.value;
    },
  };
}

export const FormData = untouchedGlobal("FormData");
export const ReadableStream = untouchedGlobal("ReadableStream");
