import { describe, expect, it } from "vitest";
import { ageText, backendLoads, healthText, healthTone, kvText, versionText } from "./load";
import type { GatewayBackend, GatewayReport } from "./types";

const catalog = [{ id: "b1", url: "http://b1:8000", version: 1 }, { id: "b2", url: "http://b2:8000", version: 1 },
  { id: "b3", url: "http://b3:8000", version: 1 }];

const seen = (id: string, extra: Partial<GatewayBackend> = {}, metrics: GatewayBackend["metrics"] = {}): GatewayBackend => ({
  id, healthy: true, inFlight: 1, ejection: { phase: "active", ejections: 0 },
  metrics: { fresh: true, ageMs: 100, running: 2, waiting: 3, kvCacheUsage: 0.25, ...metrics }, ...extra });

const report = (instance: string, ageMs: number, backends: GatewayBackend[]): GatewayReport =>
  ({ instance, configVersion: 4, reportedAt: "2026-12-07T01:00:00Z", ageMs, backends });

describe("backend load", () => {
  it("takes the freshest reading of queue and KV cache, and sums what each gateway has in flight", () => {
    const [b1] = backendLoads(catalog, [
      report("gw-a", 4_000, [seen("b1", { inFlight: 2 }, { waiting: 9, kvCacheUsage: 0.9, ageMs: 100 })]),
      report("gw-b", 1_000, [seen("b1", { inFlight: 5 }, { waiting: 4, kvCacheUsage: 0.42, ageMs: 200 })]),
    ]);
    expect(b1).toMatchObject({ seenBy: 2, healthyOn: 2, inFlight: 7, waiting: 4, kvCacheUsage: 0.42, readingAgeMs: 1_200 });
    expect(healthText(b1)).toBe("healthy on all 2 gateways");
    expect(healthTone(b1)).toBe("good");
  });

  it("says who ejected a backend and who sees it fail, and what no gateway reports", () => {
    const loads = backendLoads(catalog, [
      report("gw-a", 0, [seen("b1", { ejection: { phase: "ejected", ejections: 2 } }), seen("b2", { healthy: false })]),
      report("gw-b", 0, [seen("b1", { ejection: { phase: "active", ejections: 1 } }), seen("b2")]),
    ]);
    expect(loads[0].ejections).toBe(3);
    expect(healthText(loads[0])).toBe("ejected by gw-a");
    expect(healthTone(loads[0])).toBe("warn");
    expect(healthText(loads[1])).toBe("failing health checks on 1 of 2 gateways");
    expect(healthText(loads[2])).toBe("no gateway reports it");
    expect(healthTone(loads[2])).toBe("none");
    expect(loads[2].waiting).toBeUndefined();
  });

  it("leaves out a reading a gateway has not made yet", () => {
    const [b1] = backendLoads(catalog, [report("gw-a", 0, [{ id: "b1", healthy: false, metrics: { fresh: false, ageMs: null } }])]);
    expect(b1.waiting).toBeUndefined();
    expect(kvText(b1.kvCacheUsage)).toBe("—");
    expect(healthText(b1)).toBe("failing health checks");
    expect(healthTone(b1)).toBe("bad");
  });

  it("writes percentages, ages and versions as people read them", () => {
    expect(kvText(0.426)).toBe("43 %");
    expect(kvText(0)).toBe("0 %");
    expect([ageText(800), ageText(12_300), ageText(185_000), ageText(7_300_000), ageText(90_000_000)])
      .toEqual(["800 ms", "12 s", "3 min", "2 h", "1 d"]);
    expect(versionText(7, 7)).toBe("7 (latest)");
    expect(versionText(5, 7)).toBe("5 (2 behind)");
    expect(versionText(0, 7)).toBe("none yet");
  });
});
