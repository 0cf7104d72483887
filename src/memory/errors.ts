import { ExpectedError } from "../errors.js";
/** A memory operation refused for a reason the model (or user) can act on; nothing was written. */
export class MemoryError extends ExpectedError {
  constructor(message: string) {
    super(message);
    this.name = "MemoryError";
  }
}
