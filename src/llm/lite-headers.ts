/**
 * A Headers with the WHATWG interface a model client uses (case-insensitive names, one joined value per
 * name), without the global one: in Node 20 the first touch of `globalThis.Headers` loads undici, ~25 ms
 * of a one-shot run's start-up. The model requests go through `httpFetch` (node:http), and the CLI's
 * bundle hands this class to the openai SDK in place of the global (rolldown.config.mjs).
 */
export class LiteHeaders implements Iterable<[string, string]> {
  readonly #map = new Map<string, string>();

  constructor(init?: HeadersInitLike) {
    if (init === undefined || init === null) return;
    if (isHeadersLike(init)) {
      init.forEach((value, name) => this.append(name, value));
    } else if (typeof (init as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function") {
      for (const [name, value] of init as Iterable<readonly [string, string]>) this.append(name, value);
    } else {
      for (const [name, value] of Object.entries(init as Record<string, string | readonly string[] | undefined>)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const v of value) this.append(name, v);
        else this.append(name, value as string);
      }
    }
  }

  append(name: string, value: string): void {
    const key = checkedName(name);
    const v = normalizedValue(value);
    const had = this.#map.get(key);
    this.#map.set(key, had === undefined ? v : `${had}, ${v}`);
  }

  set(name: string, value: string): void {
    this.#map.set(checkedName(name), normalizedValue(value));
  }

  get(name: string): string | null {
    return this.#map.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }

  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }

  forEach(cb: (value: string, name: string, headers: LiteHeaders) => void): void {
    for (const [name, value] of this) cb(value, name, this);
  }

  /** Sorted by name, as the WHATWG Headers iterates. */
  *entries(): IterableIterator<[string, string]> {
    for (const name of [...this.#map.keys()].sort()) yield [name, this.#map.get(name)!];
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** Plain name → value, for node:http's request options. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.#map);
  }
}

export type HeadersInitLike =
  | LiteHeaders
  | { get(name: string): string | null; forEach(cb: (value: string, name: string) => void): void }
  | Iterable<readonly [string, string]>
  | Record<string, string | readonly string[] | undefined>;

/** A Headers of any make (ours, undici's): named values with get and forEach, unlike an array of pairs. */
function isHeadersLike(init: HeadersInitLike): init is Extract<HeadersInitLike, { get(name: string): string | null }> {
  const h = init as { get?: unknown; forEach?: unknown };
  return typeof h.get === "function" && typeof h.forEach === "function";
}

// RFC 9110 token characters: a header name outside them would be refused by node:http later, with a
// message that does not say which header.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkedName(name: string): string {
  if (!TOKEN.test(name)) throw new TypeError(`invalid header name: ${JSON.stringify(name)}`);
  return name.toLowerCase();
}

function normalizedValue(value: string): string {
  const v = String(value).trim();
  if (/[\r\n\0]/.test(v)) throw new TypeError("invalid header value: it holds a line break or NUL");
  return v;
}
