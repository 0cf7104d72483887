// Bundles the CLI into a few files. Node spends most of a cold start resolving and reading
// modules (zod, openai, commander... hundreds of files); one bundle cuts -p start-up roughly in half.
// transformers.js (loaded lazily, only for embeddings) stays external. better-sqlite3's JavaScript is
// built in (its 14 files were ~4 ms of module resolution and compiling per start); its native addon is
// loaded from the package's folder (src/store/sqlite-addon.ts).
// Ink and React are bundled too, into one chunk of their own that only the TUI loads: as packages they
// were ~550 files (es-toolkit alone 415) for Node's loader to resolve one by one before the first frame.
// They are built for production (process.env.NODE_ENV below): React's development build, which an
// installed CLI got because nobody sets NODE_ENV, checks and warns at every render.
// Minified because parse time is start-up time (-p went from ~325 to ~285 ms); the source maps
// beside the bundle give readable stacks with NODE_OPTIONS=--enable-source-maps.
// scripts/build.mjs builds into a fresh folder (LETTA_BUILD_DIR) and swaps it in as dist/ at the end.
import { realpathSync } from "node:fs";
import { resolve } from "node:path";

const out = process.env.LETTA_BUILD_DIR ?? "dist";

// A module's id is its real path: where node_modules is a symlink (a git worktree sharing one, a
// linked install) the path below it is not what the bundler sees, so an edit keyed by it would miss.
const dependencyFile = (path) => {
  let real = resolve(path);
  try {
    real = realpathSync(real);
  } catch {
    // Not installed: nothing can match, and the build says which edit found no module.
  }
  return { test: (id) => id === real };
};

/**
 * Each plugin below edits named dependency files, and an edit that finds no module has been undone
 * silently (the file moved in an upgrade, or the match missed): the build fails instead, naming it.
 */
function everyEditApplied(name, entries, label) {
  const applied = new Set();
  return {
    applied: (entry) => applied.add(entry),
    buildEnd(err) {
      if (err) return;
      const missed = entries.filter((e) => !applied.has(e));
      if (missed.length) throw new Error(`${name}: no module matched ${missed.map(label).join(", ")}`);
    },
  };
}

// Ink's stack. (Merging everything an agent run loads into one chunk as well was measured: --help and
// every subcommand then loaded all of it, so the default split stays for the rest.) signal-exit, Ink's only now, is left to the default split,
// chalk and is-in-ci get a chunk of their own: the opening screen (src/tui/opening.ts) uses them before Ink
// has loaded, and left to the default split they join Ink's chunk.
const INK = /node_modules[\\/](ink|react|react-reconciler|scheduler|yoga-layout|es-toolkit|@alcalzone|ansi-escapes|ansi-regex|ansi-styles|auto-bind|cli-boxes|cli-cursor|cli-truncate|code-excerpt|convert-to-spaces|emoji-regex|environment|escape-string-regexp|get-east-asian-width|indent-string|is-fullwidth-code-point|mimic-fn|onetime|patch-console|restore-cursor|slice-ansi|stack-utils|string-width|strip-ansi|terminal-size|widest-line|wrap-ansi|type-fest)[\\/]/;
// Ink imports its devtools (and react-devtools-core, not installed) only when DEV=true: keep that a chunk of its own.
const OPENING_DEPS = /node_modules[\\/](chalk|is-in-ci)[\\/]/;
const INK_DEVTOOLS = /[\\/]ink[\\/]build[\\/]devtools/;

// Yoga (Ink's layout engine) is Emscripten output that fetch()es its own WebAssembly from a base64 data:
// URL when fetch exists. In Node that call loads undici (~17 ms on this machine) before the TUI's first
// frame, for no network at all. Emscripten decodes the same data: URL synchronously (atob) when fetch is
// not a function, so that test is made false here. The build fails if the code no longer has the two
// places, so a yoga-layout upgrade cannot silently bring the fetch back.
const YOGA_WASM = /node_modules[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/;
const yogaSeen = everyEditApplied("yoga-without-fetch", [YOGA_WASM], String);
const yogaWithoutFetch = {
  name: "yoga-without-fetch",
  buildEnd: yogaSeen.buildEnd,
  transform(code, id) {
    if (!YOGA_WASM.test(id)) return null;
    yogaSeen.applied(YOGA_WASM);
    const places = code.split('"function"!=typeof fetch').length - 1;
    if (places !== 2) throw new Error(`yoga-without-fetch: expected 2 fetch tests in ${id}, found ${places}`);
    return { code: code.replaceAll('"function"!=typeof fetch', "true"), map: null };
  },
};

// The openai SDK touches the globals Headers, FormData and ReadableStream on every request; in Node 20
// that loads undici (~25 ms of a one-shot run) and web streams, although the model requests go through
// our node:http fetch. Inside the SDK's three modules that touch them, the names are bound to
// src/llm/sdk-globals.ts instead. Each
// place is counted, so an SDK upgrade that moves or adds one fails the build instead of bringing undici back.
const SDK_GLOBALS = [
  { file: /node_modules[\\/]openai[\\/]internal[\\/]headers\.mjs$/, names: ["Headers"], places: { "instanceof Headers": 1, "new Headers(": 1 } },
  { file: /node_modules[\\/]openai[\\/]internal[\\/]utils[\\/]log\.mjs$/, names: ["Headers"], places: { "instanceof Headers": 1 } },
  { file: /node_modules[\\/]openai[\\/]client\.mjs$/, names: ["FormData", "ReadableStream"], places: { "instanceof FormData": 2, "globalThis.ReadableStream": 6 }, unqualify: ["globalThis.ReadableStream"] },
];
const sdkSeen = everyEditApplied("openai-without-undici", SDK_GLOBALS, (e) => String(e.file));
const sdkGlobals = {
  name: "openai-without-undici",
  buildEnd: sdkSeen.buildEnd,
  transform(code, id) {
    const entry = SDK_GLOBALS.find((e) => e.file.test(id));
    if (!entry) return null;
    sdkSeen.applied(entry);
    for (const [text, want] of Object.entries(entry.places)) {
      const found = code.split(text).length - 1;
      if (found !== want) throw new Error(`openai-without-undici: expected ${want} "${text}" in ${id}, found ${found}`);
    }
    // `globalThis.X` reaches past any binding: written as plain X, it takes ours.
    for (const qualified of entry.unqualify ?? []) code = code.replaceAll(qualified, qualified.slice("globalThis.".length));
    const from = JSON.stringify(resolve(out, "llm/sdk-globals.js"));
    return { code: `import { ${entry.names.join(", ")} } from ${from};\n${code}`, map: null };
  },
};

// Dependencies edited where they are built into the bundle, each edit counted so an upgrade that
// changes the code fails the build instead of silently undoing it. Ink's modules and yoga-layout's
// await at top level, which a CommonJS bundle cannot; each await is made synchronous where it is:
// - yoga-layout's Emscripten module instantiates its WebAssembly asynchronously; it is given the bytes it
//   already decodes synchronously (wa()) and instantiated at once, so the module is whole when the
//   factory returns, and yoga's index takes it without awaiting.
// - Ink awaits only with DEV=true, to load React DevTools' connector (react-devtools-core, not a
//   dependency: the import fails and Ink says how to install it) and its package.json for DevTools.
//   That failure is kept as it was; the package.json is not read.
// - commander requires node:child_process at load, for the executable subcommands we do not use; it is
//   required when a spawn is asked for (~3 ms of a one-shot run that starts no process).
// An Intl.Segmenter made at its first use: what the edits below put where a module made one at load.
const lazySegmenter = (args) => `(() => { let made; return { segment: (text) => (made ??= new Intl.Segmenter(${args})).segment(text) }; })()`;
// A regular expression made at its first test, search or match (String.prototype.search and match ask
// the object's Symbol.search / Symbol.match).
const lazyRegExp = (literal) =>
  `(() => { let made; const re = () => (made ??= ${literal}); return { test: (s) => re().test(s), [Symbol.search]: (s) => re()[Symbol.search](s), [Symbol.match]: (s) => re()[Symbol.match](s) }; })()`;
const PATCHES = [
  {
    file: /node_modules[\\/]commander[\\/]lib[\\/]command\.js$/,
    edits: [[/const childProcess = require\('node:child_process'\);/g, "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };"]],
  },
  {
    file: /node_modules[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/,
    edits: [
      [/if\(h\.instantiateWasm\)try\{return h\.instantiateWasm\(d,\s*a\)\}/g, "try{return a(new WebAssembly.Instance(new WebAssembly.Module(wa()),d)),{}}"],
      // Its base64 decoding (atob, then a byte loop over ~90 kB) took ~8 ms of the TUI's start; Node decodes natively.
      [/var b=xa\(a\.slice\(37\)\),c=new Uint8Array\(b\.length\);for\(a=0;a<b\.length;\+\+a\)c\[a\]=b\.charCodeAt\(a\);var d=c/g, "var d=new Uint8Array(Buffer.from(a.slice(37),\"base64\"))"],
    ],
  },
  {
    file: /node_modules[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/,
    edits: [[/wrapAssembly\(await loadYoga\(\)\)/g, "wrapAssembly((() => { const m = {}; loadYoga(m); return m; })())"]],
  },
// - terminal-size (Ink's) imports node:child_process for its tput fallback: required when it is called.
  {
    file: /node_modules[\\/]terminal-size[\\/]index\.js$/,
    edits: [[/^import \{execFileSync\} from 'node:child_process';$/m, "const execFileSync = (...args) => process.getBuiltinModule('node:child_process').execFileSync(...args);"]],
  },
// - Intl.Segmenter is made at its first use, not at load, in the four modules that make one: the first
//   one made starts ICU's break data (~10 ms), which a first frame of ordinary text does not need.
// - ansi-tokenize, which Ink splits every output line with, takes a line of such text's graphemes from
//   src/tui/frame-width.ts (one per UTF-16 unit) instead of Intl.Segmenter.
  {
    file: dependencyFile("node_modules/@alcalzone/ansi-tokenize/build/tokenize.js"),
    edits: [
      [/^const segmenter = new Intl\.Segmenter\(undefined, \{ granularity: "grapheme" \}\);$/m, `import {frameGraphemes} from ${JSON.stringify(resolve(out, "tui/frame-width.js"))};\nconst segmenter = ${lazySegmenter('undefined, { granularity: "grapheme" }')};`],
      [/for \(const \{ segment, index \} of segmenter\.segment\(str\)\)/g, "for (const { segment, index } of frameGraphemes(str) ?? segmenter.segment(str))"],
    ],
  },
  {
    file: dependencyFile("node_modules/slice-ansi/tokenize-ansi.js"),
    edits: [[/^const GRAPHEME_SEGMENTER = new Intl\.Segmenter\(undefined, \{granularity: 'grapheme'\}\);$/m, `const GRAPHEME_SEGMENTER = ${lazySegmenter("undefined, {granularity: 'grapheme'}")};`]],
  },
  {
    file: dependencyFile("node_modules/wrap-ansi/node_modules/string-width/index.js"),
    edits: [[/^const segmenter = new Intl\.Segmenter\(\);$/m, `const segmenter = ${lazySegmenter("")};`]],
  },
// - string-width (the copy Ink measures its output with) asks src/tui/frame-width.ts first: for the
//   characters a frame is mostly made of it answers without Intl.Segmenter and the RGI-emoji pattern.
  {
    file: dependencyFile("node_modules/string-width/index.js"),
    edits: [
      [/^const segmenter = new Intl\.Segmenter\(\);$/m, `const segmenter = ${lazySegmenter("")};`],
      // Its Unicode-property patterns, made at load, start ICU as well; only its slow path tests them.
      ...["visibleCharacterRegex", "spacingMarkRegex", "rgiEmojiRegex", "extendedPictographicRegex"].map((name) => [
        new RegExp(`^const ${name} = (\\/.*\\/[a-z]+);$`, "m"),
        (_, literal) => `const ${name} = ${lazyRegExp(literal)};`,
      ]),
      [/^import \{eastAsianWidth\} from 'get-east-asian-width';$/m, `import {eastAsianWidth} from 'get-east-asian-width';\nimport {frameTextWidth} from ${JSON.stringify(resolve(out, "tui/frame-width.js"))};`],
      [/\tlet width = 0;\n\tconst eastAsianWidthOptions = \{ambiguousAsWide: !ambiguousIsNarrow\};\n/g, "\tlet width = 0;\n\tconst eastAsianWidthOptions = {ambiguousAsWide: !ambiguousIsNarrow};\n\tconst frame = frameTextWidth(string, (codePoint) => eastAsianWidth(codePoint, eastAsianWidthOptions));\n\tif (frame !== undefined) {\n\t\treturn frame;\n\t}\n"],
    ],
  },
  {
    file: /node_modules[\\/]ink[\\/]build[\\/]reconciler\.js$/,
    edits: [
      [/await import\('\.\/devtools\.js'\);/g, "throw Object.assign(new Error(\"react-devtools-core is not installed\"), { code: \"ERR_MODULE_NOT_FOUND\" });"],
      [/\? await loadPackageJson\(\)/g, "? { name: undefined, version: undefined }"],
    ],
  },
];
const patchedSeen = everyEditApplied("patched-dependencies", PATCHES, (p) => String(p.edits[0][0]));
const patched = {
  name: "patched-dependencies",
  buildEnd: patchedSeen.buildEnd,
  transform(code, id) {
    const patch = PATCHES.find((p) => p.file.test(id));
    if (!patch) return null;
    patchedSeen.applied(patch);
    for (const [pattern, replacement] of patch.edits) {
      const found = [...code.matchAll(new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`))].length;
      if (found !== 1) throw new Error(`patched-dependencies: expected 1 ${pattern} in ${id}, found ${found}`);
      code = code.replace(pattern, replacement);
    }
    return { code, map: null };
  },
};

const common = {
  platform: "node",
  external: ["@huggingface/transformers", "react-devtools-core", /^js-tiktoken\/ranks\//],
  transform: { define: { "process.env.NODE_ENV": JSON.stringify("production") } },
  logLevel: "warn",
};

// CommonJS, so bin/compile-cache.js can hand V8 a code cache for each chunk (Node 20 has no compile cache
// for ES modules), and no ES-module loader has to start.
export default {
  ...common,
  input: { main: `${out}/cli/main.js` },
  plugins: [yogaWithoutFetch, patched, sdkGlobals],
  output: {
    dir: `${out}/bundle`,
    format: "cjs",
    // V8 compiles the chunks through vm.Script (bin/compile-cache.js), where import() needs a Node
    // flag: the external packages an ES import() reached (transformers.js) are require()d, through their
    // CommonJS builds.
    dynamicImportInCjs: false,
    entryFileNames: "[name].cjs",
    chunkFileNames: "[name]-[hash].cjs",
    sourcemap: true,
    minify: true,
    codeSplitting: {
      groups: [
        // First: a group also takes in what its modules import, and Ink imports both.
        { name: "chalk", test: OPENING_DEPS },
        { name: "ink", test: (id) => INK.test(id) && !INK_DEVTOOLS.test(id) },
      ],
    },
  },
};
