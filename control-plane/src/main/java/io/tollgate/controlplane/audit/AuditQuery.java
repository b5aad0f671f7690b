package io.tollgate.controlplane.audit;

import java.time.Instant;

/**
 * Which audit entries to read, newest first: each filter null when not asked for.
 *
 * @param actor  who, exactly
 * @param action what: exact ("key.revoke") or a prefix ending in * ("key.*")
 * @param target on what: exact ("org:acme/key:ci") or a prefix ending in * ("org:acme/*")
 * @param since  at or after
 * @param until  before
 * @param before the page after the one that ended at this entry id (the answer's {@code next})
 * @param org    only entries about this org and what is in it (its members, keys)
 * @param limit  at most this many (1–1000)
 */
public record AuditQuery(String actor, String action, String target, Instant since, Instant until, Long before,
                         String org, int limit) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  /** This query, about one org only. */
  public AuditQuery inOrg(String name) {
    return new AuditQuery(actor, action, target, since, until, before, name, limit);
  }
}
