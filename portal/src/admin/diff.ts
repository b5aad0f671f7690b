// A readable line-based diff between two config snapshots: each shown as indented JSON with its
// keys sorted (so a reordered object is no change), compared line by line (Myers' algorithm: the
// fewest lines added and removed), and cut into hunks with a little context around each change.

export type DiffLine = { kind: "same" | "added" | "removed"; text: string; oldNo?: number; newNo?: number };
export type Hunk = { oldStart: number; newStart: number; lines: DiffLine[] };

/** JSON with two-space indentation and object keys in order: the same document always reads the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.keys(value as object).sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** Every line of {@code a} and {@code b}, in order, as kept, removed (from a) or added (in b). */
export function diffLines(a: string[], b: string[]): DiffLine[] {
  // Lines shared at both ends need no search (most of a snapshot, usually).
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB));
  const ops: ("same" | "added" | "removed")[] = [
    ...Array<"same">(start).fill("same"), ...middle, ...Array<"same">(a.length - endA).fill("same")];
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  for (const op of ops) {
    if (op === "same") lines.push({ kind: op, text: a[i], oldNo: ++i, newNo: ++j });
    else if (op === "removed") lines.push({ kind: op, text: a[i], oldNo: ++i });
    else lines.push({ kind: op, text: b[j], newNo: ++j });
  }
  return lines;
}

/** Myers' O(ND) shortest edit script, as a sequence of operations; removals before additions. */
function myers(a: string[], b: string[]): ("same" | "added" | "removed")[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = n === 0 && m === 0;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the saved frontiers.
  const ops: ("same" | "added" | "removed")[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const frontier = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && frontier[offset + k - 1] < frontier[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : frontier[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push("same");
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) {
        ops.push("added");
        y--;
      } else {
        ops.push("removed");
        x--;
      }
    }
  }
  while (x > 0 && y > 0) {
    ops.push("same");
    x--;
    y--;
  }
  return ops.reverse();
}

/** The changed lines with {@code context} unchanged lines around each; nearby changes share a hunk. */
export function hunks(lines: DiffLine[], context = 3): Hunk[] {
  const ranges: [number, number][] = [];
  lines.forEach((line, index) => {
    if (line.kind === "same") return;
    const from = Math.max(0, index - context);
    const to = Math.min(lines.length - 1, index + context);
    const last = ranges[ranges.length - 1];
    if (last && from <= last[1] + 1) last[1] = to;
    else ranges.push([from, to]);
  });
  return ranges.map(([from, to]) => {
    const before = lines.slice(0, from);
    return {
      oldStart: before.filter((l) => l.kind !== "added").length + 1,
      newStart: before.filter((l) => l.kind !== "removed").length + 1,
      lines: lines.slice(from, to + 1),
    };
  });
}

/** The two snapshots' diff in hunks, with how many lines each side lost and gained. */
export function snapshotDiff(from: unknown, to: unknown, context = 3): { hunks: Hunk[]; added: number; removed: number } {
  const lines = diffLines(canonicalJson(from).split("\n"), canonicalJson(to).split("\n"));
  return {
    hunks: hunks(lines, context),
    added: lines.filter((l) => l.kind === "added").length,
    removed: lines.filter((l) => l.kind === "removed").length,
  };
}
