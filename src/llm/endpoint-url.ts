/**
 * Ports fetch refuses to connect to (the Fetch standard's "bad ports", as Node's fetch applies them):
 * a server there can never be reached, and fetch says only "bad port" deep inside its error.
 */
const FETCH_BLOCKED_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111,
  113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548,
  554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665,
  6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/**
 * A base URL as printed (config list/get, doctor, errors): a password in it, or a lone user name
 * (often a token), masked like the API key, so a pasted screen or a CI log does not carry it.
 */
export function shownURL(raw: string): string {
  // The authority's user info ends at its last "@" before the path, as WHATWG URL parses it.
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, (_m, scheme: string, info: string) => {
    const colon = info.indexOf(":");
    return `${scheme}${colon >= 0 ? `${info.slice(0, colon)}:•••` : "•••"}@`;
  });
}

/** Why a base URL can never work, or undefined when it may: checked before any request is made. */
export function baseURLProblem(raw: string): string | undefined {
  const shown = shownURL(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${shown}" is not a URL; give the API root, e.g. http://localhost:11434/v1`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `"${shown}" must start with http:// or https://`;
  }
  if (url.username || url.password) {
    return `${shown}: HTTP clients refuse a URL with a user name or password in it; give the key in OPENAI_API_KEY (or "apiKey" in your user config) instead`;
  }
  const port = url.port === "" ? undefined : Number(url.port);
  if (port !== undefined && FETCH_BLOCKED_PORTS.has(port)) {
    return `${shown}: port ${port} is one that HTTP clients refuse to connect to (a "bad port" in the Fetch standard); run the server on another port`;
  }
  return undefined;
}
