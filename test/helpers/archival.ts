import { AgentArchivalMemory } from "../../src/memory/archival.js";
import { VectorIndex } from "../../src/embeddings/vector-index.js";
import { bufferToVector, vectorToBuffer } from "../../src/embeddings/vector-codec.js";
import type { Embedder } from "../../src/embeddings/types.js";
import type { Store } from "../../src/store/store.js";

/** Archival memory over a test store, with no saved index file: rebuilt per instance, as a fresh process would. */
export function archival(store: Store, agentId: string, embedder: Embedder | null): AgentArchivalMemory {
  return new AgentArchivalMemory({
    passages: store.passages,
    agentId,
    getEmbedder: async () => embedder,
    createIndex: (dim) => new VectorIndex(dim),
    encode: vectorToBuffer,
    decode: (b) => bufferToVector(b),
  });
}
