// The platform admin's pages' answers, typed from config/openapi/control-plane.yaml (schema.d.ts).
import type { components } from "../api/schema";

type Schemas = components["schemas"];
export type ConfigVersion = Schemas["ConfigVersion"];
export type GatewayReport = Schemas["GatewayReport"];
export type GatewayBackend = Schemas["GatewayBackend"];
/** A catalogue backend as GET /api/v1/backends lists it (the version is always there when read). */
export type CatalogBackend = Schemas["Backend"] & { version: number };
export type Model = Schemas["Model"] & { version: number };
/** A route: the model's backends, weights, strategy, canary and fallback (config/schemas/config-snapshot.json). */
export type Route = Schemas["Route"] & {
  version: number;
  strategy?: "least-load" | "prefix-affinity" | "round-robin" | "random";
  fallback?: string;
  canary?: { backends?: string[]; model?: string; weight: number };
};
/** One stored config version with its snapshot (GET /api/v1/config/snapshots/{version}). */
export interface StoredVersion extends ConfigVersion {
  snapshot: unknown;
}
