import { LiteHeaders } from "./lite-headers.js";

/**
 * What the CLI's bundle gives the openai SDK in place of two globals it touches on every request
 * (rolldown.config.mjs puts these bindings in front of the SDK's own modules). In Node 20 the first touch of
 * `Headers` or `FormData` loads undici, which the model requests no longer use (they go through httpFetch).
 */
export { LiteHeaders as Headers };

/**
 * `body instanceof FormData` without loading undici: Node keeps the global an accessor until the first
 * touch, and until something touched it no FormData could have been made, so nothing is an instance.
 */
export const FormData = {
  [Symbol.hasInstance](value: unknown): boolean {
    const own = Object.getOwnPropertyDescriptor(globalThis, "FormData");
    return own !== undefined && "value" in own && typeof own.value === "function" && value instanceof own.value;
  },
};
