import { describe, expect, it } from "vitest";
import { camelParts, indexedText, queryTerms } from "../../src/store/search-terms.js";
import { ftsQuery } from "../../src/store/fts-query.js";

const words = (q: string) => queryTerms(q).map((t) => t.words.join(" "));

describe("identifier splitting", () => {
  it("splits camelCase and PascalCase names into their words", () => {
    expect(camelParts("retryWithBackoff")).toEqual(["retry", "with", "backoff"]);
    expect(camelParts("HTTPServer")).toEqual(["http", "server"]);
    expect(camelParts("useTimelineZoom")).toEqual(["use", "timeline", "zoom"]);
    expect(camelParts("backoff")).toEqual([]);
    expect(camelParts("README")).toEqual([]);
  });

  it("indexes an identifier's parts beside the text, so 'retry backoff' can find retryWithBackoff", () => {
    expect(indexedText("the bug is in retryWithBackoff")).toBe("the bug is in retryWithBackoff\nretry with backoff");
    expect(indexedText("plain words only")).toBe("plain words only");
  });

  it("matches an identifier whole and as a phrase of its parts; paths and snake_case become phrases", () => {
    expect(words("retryWithBackoff")).toEqual(["retrywithbackoff", "retry with backoff", "retry", "backoff"]);
    expect(words("src/db/pool.ts")).toEqual(["src db pool ts", "src", "db", "pool", "ts"]);
    expect(words("fetch_tile")).toEqual(["fetch tile", "fetch", "tile"]);
  });

  it("reads letters and digits of any script, and ASCII text the same way", () => {
    expect(words("Überprüfung der Größe in naïve_café/menü")).toEqual(["naïve café menü", "überprüfung", "der", "größe", "naïve", "café", "menü"]);
    expect(words("日本語 retryWithBackoff")).toEqual(["retrywithbackoff", "retry with backoff", "日本語", "retry", "backoff"]);
    expect(indexedText("größe retryWithBackoff")).toBe("größe retryWithBackoff\nretry with backoff");
    expect(words("v2.3 timeout_ms 404s")).toEqual(["v2 3", "timeout ms", "v2", "timeout", "ms", "404s"]);
  });

  it("drops function words but keeps short words that mean something in code", () => {
    expect(words("what did we do about the db in ci")).toEqual(["db", "ci"]);
    expect(words("why is it not working")).toEqual(["not", "working"]);
    // A question made only of small words still searches for them.
    expect(words("what did we do")).toEqual(["what", "did", "we", "do"]);
  });

  it("keeps FTS operators and quotes in user text inert", () => {
    expect(ftsQuery('"unbalanced AND (quote')).toBe('"unbalanced" OR "quote"');
    expect(ftsQuery('say "hi" NEAR(x y)')).toBe('"hi" OR "near" OR "x" OR "y"');
  });
});
