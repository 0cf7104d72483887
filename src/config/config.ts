/*
 * The config module's public face. What a file may say is in layer.ts and sections.ts, where the
 * files are in paths.ts, and resolve.ts is the one function that reads them (config-files.ts) and
 * applies the trust rule (src/trust/project-settings.ts).
 */
export * from "./layer.js";
export * from "./paths.js";
export * from "./sections.js";
export { resolveConfig, type ResolvedConfig, type ResolveOptions } from "./resolve.js";
