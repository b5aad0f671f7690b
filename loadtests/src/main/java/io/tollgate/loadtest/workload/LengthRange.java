package io.tollgate.loadtest.workload;

import java.util.SplittableRandom;

/**
 * A length drawn uniformly from [len × (1 − ratio), len × (1 + ratio)], both ends included, as vLLM's random
 * dataset draws input and output lengths ({@code --random-range-ratio}).
 */
record LengthRange(int length, double rangeRatio) {

  LengthRange {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0");
    }
    if (!(rangeRatio >= 0 && rangeRatio < 1)) {
      throw new IllegalArgumentException("range ratio must be in [0, 1)");
    }
  }

  int low() {
    return (int) (length * (1 - rangeRatio));
  }

  int high() {
    return (int) (length * (1 + rangeRatio));
  }

  int draw(SplittableRandom random) {
    return low() == high() ? low() : low() + random.nextInt(high() - low() + 1);
  }

  String describe() {
    return rangeRatio == 0 ? Integer.toString(length) : length + " (" + low() + ".." + high() + ")";
  }
}
