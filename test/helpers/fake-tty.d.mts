import { EventEmitter } from "node:events";

export class FakeTtyStdin extends EventEmitter {
  isTTY: boolean;
  buffered: string[];
  write(data: string): void;
  read(): string | null;
  setEncoding(): void;
  setRawMode(): void;
  resume(): void;
  pause(): void;
  ref(): void;
  unref(): void;
}
