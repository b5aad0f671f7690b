import { describe, expect, it } from "vitest";
import { canaryText, percentText, shares, strategyText, weightChanges, weightFormOf } from "./routes";

describe("route shares", () => {
  it("splits by weight, 1 for a backend not named, 0 drained", () => {
    const route = { model: "m", backends: ["a", "b", "c"], weights: { a: 3, c: 0 }, version: 1 };
    expect(shares(route).map((s) => [s.backend, s.weight, s.percent])).toEqual([["a", 3, 75], ["b", 1, 25], ["c", 0, 0]]);
    expect(strategyText(route)).toBe("least-load (default)");
    expect(canaryText(route)).toBe("none");
  });

  it("takes a canary's percentage off the stable side", () => {
    const route = { model: "m", backends: ["a", "b"], canary: { backends: ["new"], weight: 10 }, version: 2,
      strategy: "prefix-affinity" as const };
    expect(shares(route).map((s) => [s.backend, s.percent, s.canary])).toEqual([["a", 45, false], ["b", 45, false], ["new", 10, true]]);
    expect(canaryText(route)).toBe("10 % to backends new");
    expect(strategyText(route)).toBe("prefix-affinity");
    const toModel = { model: "m", backends: ["a"], canary: { model: "m-v2", weight: 5 }, version: 1 };
    expect(shares(toModel).map((s) => s.percent)).toEqual([95]);
    expect(canaryText(toModel)).toBe("5 % to model m-v2");
    expect(percentText(100 / 3)).toBe("33.3 %");
  });
});

describe("route weight edits", () => {
  const route = { model: "m", backends: ["a", "b"], weights: { a: 3 }, canary: { backends: ["c"], weight: 10 }, version: 4 };

  it("sends only the weights that changed and the canary's, with the version read", () => {
    const form = weightFormOf(route);
    expect(form).toEqual({ weights: { a: "3", b: "1" }, canaryWeight: "10" });
    expect(weightChanges(route, { ...form, weights: { a: "3", b: "0" } })).toEqual({ patch: { version: 4, weights: { b: 0 } } });
    expect(weightChanges(route, { ...form, canaryWeight: "25" })).toEqual({ patch: { version: 4, canary: { weight: 25 } } });
  });

  it("says what is wrong in words", () => {
    const form = weightFormOf(route);
    expect(weightChanges(route, { ...form, weights: { a: "1.5", b: "1" } })).toEqual(
      { problem: "The weight of a is a whole number from 0 to 1000 (0 drains it)." });
    expect(weightChanges(route, { ...form, weights: { a: "0", b: "0" } })).toEqual(
      { problem: "At least one backend keeps a weight above 0: the route would serve nothing." });
    expect(weightChanges(route, { ...form, canaryWeight: "101" })).toEqual(
      { problem: "The canary's weight is a whole percentage from 0 to 100." });
    expect(weightChanges(route, form)).toEqual({ problem: "Nothing changed." });
  });
});
