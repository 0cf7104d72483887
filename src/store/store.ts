import { join } from "node:path";
import { openDatabase, sql, writeTransaction, type DB } from "./db.js";
import { AgentStore } from "./agents.js";
import { BlockStore } from "./blocks.js";
import { MemoryEventStore } from "./memory-events.js";
import { CheckpointStore } from "./checkpoints.js";
import { ConversationStore } from "./conversations.js";
import { MessageStore } from "./messages.js";
import { PassageStore } from "./passages.js";
import { ReflectionStore } from "./reflection.js";
import { SummaryStore } from "./summaries.js";
import { TokenCalibrationStore } from "./token-calibration.js";
import { TurnFailureStore } from "./turn-failures.js";
import { SubagentRunStore } from "./subagent-runs.js";
import { TurnLeaseStore } from "./turn-leases.js";
import { TeamStore } from "./team.js";

export const DB_FILE = "letta.db";

/** The one handle on `.letta/letta.db`: every table family behind its own small repository. */
export class Store {
  readonly agents: AgentStore;
  readonly blocks: BlockStore;
  readonly messages: MessageStore;
  readonly passages: PassageStore;
  readonly summaries: SummaryStore;
  readonly memoryEvents: MemoryEventStore;
  readonly reflection: ReflectionStore;
  readonly checkpoints: CheckpointStore;
  readonly conversations: ConversationStore;
  readonly tokenCalibration: TokenCalibrationStore;
  readonly turnLeases: TurnLeaseStore;
  readonly turnFailures: TurnFailureStore;
  readonly subagentRuns: SubagentRunStore;
  readonly team: TeamStore;

  private constructor(
    readonly db: DB,
    readonly file: string,
  ) {
    this.agents = new AgentStore(db);
    this.blocks = new BlockStore(db);
    this.messages = new MessageStore(db);
    this.passages = new PassageStore(db);
    this.summaries = new SummaryStore(db);
    this.memoryEvents = new MemoryEventStore(db);
    this.reflection = new ReflectionStore(db);
    this.checkpoints = new CheckpointStore(db);
    this.conversations = new ConversationStore(db);
    this.tokenCalibration = new TokenCalibrationStore(db);
    this.turnLeases = new TurnLeaseStore(db);
    this.turnFailures = new TurnFailureStore(db);
    this.subagentRuns = new SubagentRunStore(db);
    this.team = new TeamStore(db);
  }

  /** `readonly`: for commands that only read (memory show, list, ...), so they work in a read-only .letta/. */
  static open(lettaDir: string, opts: { readonly?: boolean } = {}): Store {
    const file = join(lettaDir, DB_FILE);
    return new Store(openDatabase(file, opts), file);
  }

  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  /**
   * `fn` under a savepoint: if it throws, what it wrote is undone and the enclosing transaction goes on.
   * Cached statements, not a nested db.transaction(): applying a pull runs this once per event.
   */
  savepoint<T>(fn: () => T): T {
    sql(this.db, "SAVEPOINT one_step").run();
    try {
      const out = fn();
      sql(this.db, "RELEASE one_step").run();
      return out;
    } catch (err) {
      sql(this.db, "ROLLBACK TO one_step").run();
      sql(this.db, "RELEASE one_step").run();
      throw err;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
