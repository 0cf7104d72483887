import { EventEmitter } from "node:events";

export class FakeTtyStdin extends EventEmitter {
  isTTY: boolean;
  /** What setRawMode last set. */
  isRaw: boolean;
  buffered: string[];
  write(data: string): void;
  read(): string | null;
  setEncoding(): void;
  setRawMode(on: boolean): void;
  resume(): void;
  pause(): void;
  ref(): void;
  unref(): void;
}
