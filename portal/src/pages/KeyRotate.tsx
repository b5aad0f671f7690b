import { useState } from "react";
import { api, ApiProblem, type Rotate } from "../api/client";
import type { CreatedKey } from "../api/types";
import { dangerButton, Problem, quietButton } from "../components/ui";

const GRACES: [number, string][] = [[0, "at once"], [3600, "in 1 hour"], [86_400, "in 24 hours"]];

/** Confirms a rotation and how long the old secret keeps working; the new secret comes back once. */
export function KeyRotate({ keyPath, id, onRotated, onCancel }:
  { keyPath: string; id: string; onRotated: (key: CreatedKey) => void; onCancel: () => void }) {
  const [grace, setGrace] = useState(3600);
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function rotate() {
    setBusy(true);
    setProblem(undefined);
    try {
      const body: Rotate = { graceSeconds: grace };
      onRotated(await api<CreatedKey>("POST", `${keyPath}/rotate`, body));
    } catch (e) {
      setProblem(e instanceof ApiProblem ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="inline-flex flex-wrap items-center justify-end gap-2">
      <label htmlFor={`grace-${id}`} className="text-sm">Old secret stops</label>
      <select id={`grace-${id}`} className="rounded border border-slate-400 px-2 py-1 text-sm" value={grace}
        onChange={(e) => setGrace(Number(e.target.value))}>
        {GRACES.map(([seconds, label]) => <option key={seconds} value={seconds}>{label}</option>)}
      </select>
      <button type="button" className={dangerButton} disabled={busy} onClick={() => void rotate()}>
        Rotate {id} now
      </button>
      <button type="button" className={quietButton} onClick={onCancel}>Cancel</button>
      {problem && <Problem message={problem} />}
    </span>
  );
}
