package io.tollgate.loadtest.arrival;

import java.util.Random;

/**
 * Draws from a gamma distribution (shape k, scale θ) with Marsaglia and Tsang's method, the one numpy uses:
 * vLLM's {@code bench serve} takes its inter-arrival gaps from {@code np.random.gamma}.
 */
final class GammaSampler {

  private final Random random;

  GammaSampler(Random random) {
    this.random = random;
  }

  double sample(double shape, double scale) {
    if (!(shape > 0) || !(scale > 0)) {
      throw new IllegalArgumentException("shape and scale must be > 0");
    }
    if (shape < 1) {
      // Boost: Gamma(k) = Gamma(k + 1) · U^(1/k), since the squeeze below needs k >= 1.
      double u = nextOpenUnit();
      return sample(shape + 1, scale) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9 * d);
    while (true) {
      double x = random.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = nextOpenUnit();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v * scale;
      }
    }
  }

  /** Uniform in (0, 1): log(0) and pow(0, ·) must not happen. */
  private double nextOpenUnit() {
    double u;
    do {
      u = random.nextDouble();
    } while (u == 0);
    return u;
  }
}
