package io.tollgate.gateway.route;

import java.util.Arrays;

/**
 * A consistent-hash ring over a pool's backends: each backend owns points in proportion to its
 * weight, placed by a hash of its id and the point's number, so every gateway replica builds the
 * same ring and sends a key to the same backend, and adding or removing a backend moves only the
 * keys it owned. A weight change moves only the keys of the points added or removed (points
 * {@code id#0 … id#n-1} stay where they were); a drained backend (weight 0) has no point.
 * Immutable; built once per config snapshot.
 */
final class HashRing {

  /** Points per unit of weight: enough for an even spread over a handful of backends. */
  static final int POINTS_PER_BACKEND = 100;
  /**
   * At most this many points (4 × a full pool of 64 equal backends): beyond, every backend's count
   * is scaled down alike, so large weights (up to 1000 each) cost no more memory than that.
   */
  static final int MAX_POINTS = 25_600;

  private final long[] points;
  private final int[] owners;

  HashRing(String[] backendIds, int[] weights) {
    int[] counts = pointCounts(weights);
    int size = 0;
    for (int count : counts) {
      size += count;
    }
    long[][] pairs = new long[size][];
    int n = 0;
    for (int owner = 0; owner < backendIds.length; owner++) {
      for (int point = 0; point < counts[owner]; point++) {
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

  /** Points of each backend: {@link #POINTS_PER_BACKEND} × weight, scaled down past {@link #MAX_POINTS}. */
  static int[] pointCounts(int[] weights) {
    long total = 0;
    for (int weight : weights) {
      total += (long) POINTS_PER_BACKEND * weight;
    }
    double scale = total > MAX_POINTS ? (double) MAX_POINTS / total : 1.0;
    int[] counts = new int[weights.length];
    for (int i = 0; i < weights.length; i++) {
      // A backend that takes requests keeps at least one point, however small its share.
      counts[i] = weights[i] <= 0 ? 0 : Math.max(1, (int) Math.round(POINTS_PER_BACKEND * weights[i] * scale));
    }
    return counts;
  }

  /** Points on the ring; 0 when every backend is drained. */
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
