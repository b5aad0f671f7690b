package io.tollgate.controlplane.schema;

/**
 * The fields of every request body the API takes, and of every entry an apply file holds: one
 * place, so REST and {@code apply} refuse the same unknown fields.
 */
public final class Bodies {

  private Bodies() {
  }

  public static final Shape BUDGET = Shape.leaves("limitUsd", "period", "alertsAt");
  public static final Shape LIMITS = Shape.leaves("requestsPerMinute", "tokensPerMinute", "maxConcurrentStreams");

  public static final Shape ORG = Shape.of("name", Shape.LEAF, "display", Shape.LEAF, "policy", Shape.LEAF,
      "budget", BUDGET);
  public static final Shape MEMBER = Shape.leaves("role");
  public static final Shape USER = Shape.leaves("email", "platformAdmin", "configReader", "tokenTtl");
  public static final Shape TOKEN = Shape.leaves("tokenTtl");
  public static final Shape SERVICE_ACCOUNT = Shape.leaves("name", "role", "description", "tokenTtl");
  public static final Shape SERVICE_ACCOUNT_TOKEN = Shape.leaves("graceSeconds", "tokenTtl");
  public static final Shape LOGIN = Shape.leaves("email", "password");
  public static final Shape PASSWORD = Shape.leaves("password", "currentPassword");
  public static final Shape KEY = Shape.of("id", Shape.LEAF, "models", Shape.LEAF, "policy", Shape.LEAF,
      "limits", LIMITS, "budget", BUDGET, "expiresAt", Shape.LEAF);
  public static final Shape ROTATE = Shape.leaves("graceSeconds");

  public static final Shape BACKEND = Shape.leaves("id", "url", "labels");
  public static final Shape MODEL = Shape.of("name", Shape.LEAF, "prices",
      Shape.leaves("promptPerMillion", "completionPerMillion"));
  public static final Shape POLICY = Shape.of("name", Shape.LEAF, "limits", LIMITS);
  /** A route is the gateways' model entry without what is the model's own (name, prices), keyed by model. */
  public static final Shape ROUTE = SnapshotShapes.definition("model").without("name", "prices")
      .with("model", Shape.LEAF);

  /** A key under an org in an apply file: what apply manages of it (limits come from its policy). */
  public static final Shape KEY_ENTRY = Shape.of("id", Shape.LEAF, "policy", Shape.LEAF, "models", Shape.LEAF,
      "budget", BUDGET, "expiresAt", Shape.LEAF);
  /** An org in an apply file: the org, its members (email: role) and its keys. */
  public static final Shape ORG_ENTRY = ORG.with("members", Shape.LEAF, "keys", KEY_ENTRY);
  /** A whole apply file (config/platform.yaml). */
  public static final Shape PLATFORM = Shape.of("policies", POLICY, "backends", BACKEND, "models", MODEL,
      "routes", ROUTE, "orgs", ORG_ENTRY);
  /** POST /api/v1/apply: the file as JSON, and what to do with it. */
  public static final Shape APPLY = Shape.of("document", Shape.LEAF, "dryRun", Shape.LEAF, "prune", Shape.LEAF);

  /** A body that changes something that has a version: the version it was based on may come along. */
  public static Shape versioned(Shape shape) {
    return shape.with("version", Shape.LEAF);
  }
}
