// Registered for every test file (vitest.config.ts setupFiles): see after-each.ts for why.
import { afterEach } from "vitest";
import { runAfterEachSteps } from "./after-each.js";

afterEach(runAfterEachSteps);
