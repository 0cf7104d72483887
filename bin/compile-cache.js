"use strict";
// V8's code cache for the CLI's CommonJS bundle. Node 20 compiles every module from source at each start
// (its compile cache arrived in Node 22); for a one-shot run that was ~25 ms of parsing and compiling the
// same bundle again. The build runs the CLI's hot paths once and keeps, per chunk, what V8 compiled
// (dist/compile-cache/, scripts/train-compile-cache.mjs); a run hands that to V8, which checks it against
// the source and its own version and flags, and compiles from source when it does not fit (another Node,
// other V8 flags) — slower, never wrong. V8 does not check where the code was compiled, and keeps that
// file name for stack traces and for resolving import(): a cache trained for another folder (a moved
// checkout, a package built elsewhere) is not used at all.
// Two checks V8 leaves out, made here: V8 compares a cache with its source by length only, so a chunk
// edited to the same length (main.cjs, whose imports name chunks by hashes of one length, after another
// build) would run the code it was trained on — the manifest names, per chunk, the file (size, mtime,
// inode) its cache was made from; and a release V8 does not checksum a cache's payload, so a damaged
// one crashes the process (a fatal "unreachable code") — --verify-snapshot-checksum has V8 checksum it.
const Module = require("node:module");
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { basename, dirname, join, sep } = require("node:path");

/**
 * Compile the .cjs files under bundleDir with their cache from cacheDir. With write, each chunk's cache is
 * (re)written at exit with all the functions this run compiled: how the build trains it.
 * Returns counts a benchmark prints (chunks whose cache V8 accepted, rejected, or that had none), or
 * undefined when the cache was trained for another folder or never.
 */
function installCompileCache({ bundleDir, cacheDir, write = false }) {
  const manifest = join(cacheDir, "manifest.json");
  let chunks = {};
  try {
    const m = JSON.parse(readFileSync(manifest, "utf8"));
    if (m.bundleDir === bundleDir && m.chunks && typeof m.chunks === "object") chunks = m.chunks;
    else if (!write) return undefined;
  } catch {
    if (!write) return undefined; // never trained here
  }
  // Before anything is compiled with a cache: the flag is part of what a cache must have been made with.
  require("node:v8").setFlagsFromString("--verify-snapshot-checksum");
  const vm = require("node:vm");
  const stats = { accepted: 0, rejected: 0, missing: 0 };
  const compiled = [];
  const prefix = bundleDir.endsWith(sep) ? bundleDir : bundleDir + sep;
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    if (!filename.startsWith(prefix) || !filename.endsWith(".cjs")) return compile.call(this, content, filename);
    const cacheFile = join(cacheDir, `${basename(filename)}.v8`);
    let cachedData;
    try {
      // Only for the very file it was made from; another one (of any length) compiles from source.
      if (sameFile(chunks[basename(filename)], statSync(filename))) cachedData = readFileSync(cacheFile);
    } catch {
      // No cache for this chunk (an untrained path, or a build without one): compiled from source.
    }
    // No import() in these chunks (rolldown.config.mjs, dynamicImportInCjs): without a Node flag a
    // vm.Script cannot import, and V8's cache would not keep the loader anyway.
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (cachedData === undefined) stats.missing++;
    else if (script.cachedDataRejected) stats.rejected++;
    else stats.accepted++;
    if (write) compiled.push([script, cacheFile, filename, content]);
    const mod = this;
    const req = (id) => (isSiblingChunk(id) ? requireChunk(join(dirname(filename), id.slice(2)), mod) : mod.require(id));
    req.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    req.main = process.mainModule;
    req.cache = Module._cache;
    return script.runInThisContext({ displayErrors: true }).call(mod.exports, mod.exports, req, mod, filename, dirname(filename));
  };
  if (write) {
    process.on("exit", () => {
      mkdirSync(cacheDir, { recursive: true });
      // Renamed into place: a run starting meanwhile reads a whole cache file or none.
      const put = (file, data) => {
        writeFileSync(`${file}.${process.pid}`, data);
        renameSync(`${file}.${process.pid}`, file);
      };
      for (const [script, file, source, content] of compiled) {
        // What this run compiled must still be what the file holds: a build that swapped in another
        // dist/ meanwhile (this path now names its chunk) gets no cache of the code it replaced.
        const name = basename(source);
        delete chunks[name];
        try {
          const before = statSync(source);
          if (readFileSync(source, "utf8") !== content || !sameFile(fileId(before), statSync(source))) continue;
          put(file, script.createCachedData());
          chunks[name] = fileId(before);
        } catch {
          // Gone meanwhile: nothing to cache it for.
        }
      }
      put(manifest, JSON.stringify({ bundleDir, node: process.version, chunks }));
    });
  }
  return stats;
}

/** `./name.cjs`: how one chunk of the bundle names another (rolldown's output, all in one folder). */
function isSiblingChunk(id) {
  return id.startsWith("./") && id.endsWith(".cjs") && !id.includes("/", 2) && !id.includes("\\");
}

/**
 * require() of one chunk by another, without Node's resolution: a one-step -p run loads ~25 chunks, and
 * resolving each (stat calls, realpath, package scopes) cost ~2 ms of its start. The name is already the
 * file. The module goes into require's own cache under the same path, so a chunk is one module however
 * it is reached; one that is missing or unreadable goes the usual way, for Node's own error.
 */
function requireChunk(filename, parent) {
  const cached = Module._cache[filename];
  if (cached) return cached.exports;
  let content;
  try {
    content = readFileSync(filename, "utf8");
  } catch {
    return parent.require(`./${basename(filename)}`);
  }
  const mod = new Module(filename, parent);
  mod.filename = filename;
  mod.paths = Module._nodeModulePaths(dirname(filename));
  Module._cache[filename] = mod;
  try {
    mod._compile(content, filename);
  } catch (err) {
    delete Module._cache[filename];
    throw err;
  }
  mod.loaded = true;
  return mod.exports;
}

/** What names one version of a chunk's file: a rebuilt or edited one differs in one of these. */
function fileId(st) {
  return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
}

function sameFile(want, st) {
  return !!want && want.size === st.size && want.mtimeMs === st.mtimeMs && want.ino === st.ino;
}

module.exports = { installCompileCache };
