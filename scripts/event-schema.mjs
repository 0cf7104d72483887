// Writes schema/events.schema.json from the zod definitions in src/protocol/schema.ts (via dist/),
// so the published schema is generated, never hand-kept. `npm run schema` runs it after tsc;
// test/protocol/schema-file.test.ts fails while the committed file and the definitions differ.
import { writeFileSync } from "node:fs";
import { protocolJsonSchema } from "../dist/protocol/schema.js";

const file = new URL("../schema/events.schema.json", import.meta.url);
writeFileSync(file, `${JSON.stringify(protocolJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${file.pathname}\n`);
