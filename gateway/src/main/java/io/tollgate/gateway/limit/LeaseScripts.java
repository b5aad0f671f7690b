package io.tollgate.gateway.limit;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.function.LongSupplier;

/** The two scripts of admission leases (ADR 15) and what their arguments and answers mean. */
final class LeaseScripts {

  private static final LuaScript LEASE = LuaScript.fromResource("lease.lua");
  private static final LuaScript RELEASE = LuaScript.fromResource("release.lua");

  private final Redis redis;
  private final LongSupplier scriptNow;

  /** @param scriptNow the "now" passed to the scripts: 0 for Redis's own TIME, or a test's clock */
  LeaseScripts(Redis redis, LongSupplier scriptNow) {
    this.redis = redis;
    this.scriptNow = scriptNow;
  }

  /** Loads both into Redis's cache before traffic; never fails (Redis may be away at start). */
  Future<Void> load() {
    return Future.join(LEASE.load(redis), RELEASE.load(redis)).<Void>mapEmpty().otherwise((Void) null);
  }

  /** lease.lua: the need (all or nothing), the extra (what is free of it), the overruns owed. */
  Future<Response> lease(KeyLease lease, KeyLease.Shortfall need, long[] extra, long[] owed, long slotLeaseMicros) {
    List<String> args = List.of(
        Long.toString(scriptNow.getAsLong()),
        Long.toString(lease.keyLimits.requestsPerMinute()),
        Long.toString(lease.keyLimits.tokensPerMinute()),
        Long.toString(lease.orgLimits.requestsPerMinute()),
        Long.toString(lease.orgLimits.tokensPerMinute()),
        Long.toString(lease.keyLimits.maxConcurrentStreams()),
        Long.toString(need.keyRequests()), Long.toString(need.keyTokens()),
        Long.toString(need.orgRequests()), Long.toString(need.orgTokens()), Long.toString(need.slots()),
        Long.toString(extra[0]), Long.toString(extra[1]), Long.toString(extra[2]), Long.toString(extra[3]),
        Long.toString(extra[4]),
        Long.toString(owed[0]), Long.toString(owed[1]),
        lease.leaseId,
        Long.toString(lease.slotsHeld),
        Long.toString(slotLeaseMicros));
    return LEASE.run(redis, lease.keys.forLease(), args);
  }

  /** release.lua: credit given back (negative: owed), slots given back, the slots' lease renewed or ended. */
  Future<Response> release(KeyLease lease, KeyLease.Release release, long slotLeaseMicros) {
    long[] back = release.returned();
    List<String> args = List.of(
        Long.toString(scriptNow.getAsLong()),
        Long.toString(release.keyLimits().requestsPerMinute()),
        Long.toString(release.keyLimits().tokensPerMinute()),
        Long.toString(release.orgLimits().requestsPerMinute()),
        Long.toString(release.orgLimits().tokensPerMinute()),
        Long.toString(back[0]), Long.toString(back[1]), Long.toString(back[2]), Long.toString(back[3]),
        lease.leaseId,
        Long.toString(release.slotsReturned()),
        Long.toString(release.slotsHeldAfter()),
        Long.toString(slotLeaseMicros));
    return RELEASE.run(redis, lease.keys.forRelease(), args);
  }

  /** lease.lua's fields 9 to 13: what it took of each bucket and of the slots. */
  static long[] taken(Response response) {
    return new long[] {response.get(8).toLong(), response.get(9).toLong(), response.get(10).toLong(),
        response.get(11).toLong(), response.get(12).toLong()};
  }

  /** What a call took beyond the request's need: the extra, which sizes the credit kept. */
  static long[] extrasTaken(Response response, KeyLease.Shortfall need) {
    long[] taken = taken(response);
    if (response.get(0).toLong() != 1) {
      return taken;
    }
    return new long[] {taken[0] - need.keyRequests(), taken[1] - need.keyTokens(), taken[2] - need.orgRequests(),
        taken[3] - need.orgTokens(), taken[4] - need.slots()};
  }
}
