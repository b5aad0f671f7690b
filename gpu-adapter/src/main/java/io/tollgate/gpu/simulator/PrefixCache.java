package io.tollgate.gpu.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * vLLM-style automatic prefix caching, reduced to bookkeeping: an LRU set of chained block hashes, bounded
 * by the number of blocks the KV cache holds. A prompt's leading blocks found here are "cached".
 */
final class PrefixCache {

  private final LinkedHashMap<Long, Boolean> blocks;

  PrefixCache(long kvCapacityTokens) {
    long capacity = Math.max(1, kvCapacityTokens / PromptTokens.BLOCK_SIZE);
    this.blocks = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** Returns how many leading blocks were cached, then marks all of the prompt's blocks most recently used. */
  int lookupAndInsert(long[] promptBlocks) {
    int hits = 0;
    boolean inPrefix = true;
    for (long block : promptBlocks) {
      if (inPrefix && blocks.get(block) != null) {
        hits++;
      } else {
        inPrefix = false;
        blocks.put(block, Boolean.TRUE);
      }
    }
    return hits;
  }

  int size() {
    return blocks.size();
  }
}
