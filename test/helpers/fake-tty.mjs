// An in-memory TTY input stream, enough for Ink (raw mode, 'readable' + read()). Plain JS so the
// TUI tests and bench/tui.js share it.
import { EventEmitter } from "node:events";

export class FakeTtyStdin extends EventEmitter {
  isTTY = true;
  isRaw = false;
  buffered = [];
  write(data) {
    this.buffered.push(data);
    this.emit("readable");
  }
  read() {
    return this.buffered.shift() ?? null;
  }
  setEncoding() {}
  setRawMode(on) {
    this.isRaw = on;
  }
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}
