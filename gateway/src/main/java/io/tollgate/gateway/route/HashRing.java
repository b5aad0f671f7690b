package io.tollgate.gateway.route;

import java.util.Arrays;

/**
 * A consistent-hash ring over a pool's backends: each backend owns many points, placed by a hash
 * of its id, so every gateway replica builds the same ring and sends a key to the same backend,
 * and adding or removing a backend moves only the keys it owned. Immutable; built once per
 * config snapshot.
 */
final class HashRing {

  /** Points per backend: enough for an even spread over a handful of backends. */
  static final int POINTS_PER_BACKEND = 100;

  private final long[] points;
  private final int[] owners;

  HashRing(String[] backendIds) {
    int size = backendIds.length * POINTS_PER_BACKEND;
    long[][] pairs = new long[size][];
    int n = 0;
    for (int owner = 0; owner < backendIds.length; owner++) {
      for (int point = 0; point < POINTS_PER_BACKEND; point++) {
        pairs[n++] = new long[] {AffinityKey.hash(backendIds[owner] + "#" + point), owner};
      }
    }
    Arrays.sort(pairs, (a, b) -> Long.compare(a[0], b[0]));
    points = new long[size];
    owners = new int[size];
    for (int i = 0; i < size; i++) {
      points[i] = pairs[i][0];
      owners[i] = (int) pairs[i][1];
    }
  }

  int size() {
    return points.length;
  }

  /** The first point at or after {@code key}, wrapping around. */
  int start(long key) {
    int at = Arrays.binarySearch(points, key);
    if (at < 0) {
      at = -at - 1;
    }
    return at == points.length ? 0 : at;
  }

  /** The backend that owns the point {@code steps} after {@code start}. */
  int owner(int start, int steps) {
    return owners[(start + steps) % owners.length];
  }
}
