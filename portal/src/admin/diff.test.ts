import { describe, expect, it } from "vitest";
import { canonicalJson, diffLines, hunks, snapshotDiff } from "./diff";

const kinds = (a: string[], b: string[]) => diffLines(a, b).map((l) => `${l.kind[0]}${l.text}`);

describe("config diff", () => {
  it("keeps common lines and marks the fewest removed and added", () => {
    expect(kinds(["a", "b", "c", "d"], ["a", "c", "d", "e"])).toEqual(["sa", "rb", "sc", "sd", "ae"]);
    expect(kinds(["x"], ["y"])).toEqual(["rx", "ay"]);
    expect(kinds([], ["n"])).toEqual(["an"]);
    expect(kinds(["o"], [])).toEqual(["ro"]);
    expect(kinds(["same"], ["same"])).toEqual(["ssame"]);
  });

  it("numbers each side's lines", () => {
    const lines = diffLines(["a", "b", "c"], ["a", "B", "c"]);
    expect(lines).toEqual([
      { kind: "same", text: "a", oldNo: 1, newNo: 1 },
      { kind: "removed", text: "b", oldNo: 2 },
      { kind: "added", text: "B", newNo: 2 },
      { kind: "same", text: "c", oldNo: 3, newNo: 3 },
    ]);
  });

  it("finds a shortest script on interleaved changes", () => {
    const a = "abcabba".split("");
    const b = "cbabac".split("");
    const lines = diffLines(a, b);
    expect(lines.filter((l) => l.kind !== "same")).toHaveLength(5); // Myers' paper: D = 5
    expect(lines.filter((l) => l.kind !== "added").map((l) => l.text)).toEqual(a);
    expect(lines.filter((l) => l.kind !== "removed").map((l) => l.text)).toEqual(b);
  });

  it("cuts far-apart changes into hunks with context and where each starts", () => {
    const a = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
    const b = [...a];
    b[2] = "changed 3";
    b[25] = "changed 26";
    const result = hunks(diffLines(a, b), 2);
    expect(result).toHaveLength(2);
    expect(result[0].oldStart).toBe(1);
    expect(result[0].lines.map((l) => l.text)).toEqual(["line 1", "line 2", "line 3", "changed 3", "line 4", "line 5"]);
    expect(result[1].oldStart).toBe(24);
    expect(result[1].newStart).toBe(24);
    expect(hunks(diffLines(a, a))).toEqual([]);
  });

  it("reads a snapshot with its keys sorted, so an object's key order is no change", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }))
      .toBe('{\n  "a": {\n    "c": null,\n    "d": [\n      1,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}');
    const from = { backends: [{ id: "b1", url: "http://a" }], models: [{ name: "m", weights: { b1: 1 } }] };
    const to = { models: [{ weights: { b1: 3 }, name: "m" }], backends: [{ url: "http://a", id: "b1" }] };
    const diff = snapshotDiff(from, to);
    expect([diff.removed, diff.added]).toEqual([1, 1]);
    const changed = diff.hunks[0].lines.filter((l) => l.kind !== "same").map((l) => l.text.trim());
    expect(changed).toEqual(['"b1": 1', '"b1": 3']);
  });
});
