import { useEffect, useState } from "react";
import { api } from "../api/client";
import { useApi } from "../useApi";
import { Card, input, Loading, Problem } from "../components/ui";
import { PlatformPage, problemText, Table, td } from "./Platform";
import { snapshotDiff, type Hunk } from "./diff";
import { ageText, LATE_AFTER_MS, versionText } from "./load";
import type { ConfigVersion, GatewayReport, StoredVersion } from "./types";

/** The config versions, a diff between any two, and the version each gateway runs. */
export function ConfigVersions() {
  return <PlatformPage title="Config versions"><ConfigVersionsBody /></PlatformPage>;
}

function ConfigVersionsBody() {
  const [versions] = useApi<ConfigVersion[]>("/api/v1/config/versions");
  const [gateways] = useApi<GatewayReport[]>("/api/v1/gateways");
  const latest = versions.status === "loaded" && versions.data.length > 0 ? versions.data[0].version : undefined;
  return (
    <>
      <Card title="Gateways">
        {gateways.status === "loading" && <Loading what="the gateways" />}
        {gateways.status === "failed" && <Problem message={gateways.message} />}
        {gateways.status === "loaded" && gateways.data.length === 0 && (
          <p className="text-slate-700">No gateway has reported in the last day.</p>
        )}
        {gateways.status === "loaded" && gateways.data.length > 0 && (
          <Table label="Gateways" head={["Gateway", "Runs version", "Last seen"]}>
            {gateways.data.map((gateway) => (
              <tr key={gateway.instance} className="border-t border-slate-200">
                <td className={`${td} font-medium`}>{gateway.instance}</td>
                <td className={td}>{versionText(gateway.configVersion, latest)}</td>
                <td className={`${td} ${gateway.ageMs > LATE_AFTER_MS ? "text-amber-800" : ""}`}>
                  {ageText(gateway.ageMs)} ago{gateway.ageMs > LATE_AFTER_MS && " (late)"}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
      {versions.status === "loading" && <Loading what="config versions" />}
      {versions.status === "failed" && <Problem message={versions.message} />}
      {versions.status === "loaded" && versions.data.length === 0 && (
        <p className="text-slate-700">No config version yet: the first change to the catalogue or an org makes one.</p>
      )}
      {versions.status === "loaded" && versions.data.length > 0 && <Compare versions={versions.data} />}
      {versions.status === "loaded" && versions.data.length > 0 && (
        <Card title="Versions">
          <Table label="Config versions" head={["Version", "Made at (UTC)", "By"]}>
            {versions.data.map((v) => (
              <tr key={v.version} className="border-t border-slate-200">
                <td className={`${td} font-medium`}>{v.version}</td>
                <td className={td}>{v.createdAt.replace("T", " ").replace(/\.\d+Z$/, "")}</td>
                <td className={td}>{v.createdBy}</td>
              </tr>
            ))}
          </Table>
        </Card>
      )}
    </>
  );
}

type Compared = { status: "loading" } | { status: "failed"; message: string }
  | { status: "loaded"; diff: ReturnType<typeof snapshotDiff> };

function Compare({ versions }: { versions: ConfigVersion[] }) {
  const [from, setFrom] = useState(versions.length > 1 ? versions[1].version : versions[0].version);
  const [to, setTo] = useState(versions[0].version);
  const [compared, setCompared] = useState<Compared>({ status: "loading" });
  useEffect(() => {
    let current = true;
    setCompared({ status: "loading" });
    Promise.all([from, to].map((v) => api<StoredVersion>("GET", `/api/v1/config/snapshots/${v}`)))
      .then(([a, b]) => current && setCompared({ status: "loaded", diff: snapshotDiff(a.snapshot, b.snapshot) }))
      .catch((e: unknown) => current && setCompared({ status: "failed", message: problemText(e) }));
    return () => {
      current = false;
    };
  }, [from, to]);
  const choice = (id: string, label: string, value: number, set: (v: number) => void) => (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium">{label}</label>
      <select id={id} className={input} value={value} onChange={(e) => set(Number(e.target.value))}>
        {versions.map((v) => <option key={v.version} value={v.version}>{v.version} ({v.createdBy})</option>)}
      </select>
    </div>
  );
  return (
    <Card title="Compare two versions">
      <div className="mb-3 grid max-w-md grid-cols-2 gap-3">
        {choice("diff-from", "From version", from, setFrom)}
        {choice("diff-to", "To version", to, setTo)}
      </div>
      {compared.status === "loading" && <Loading what="the two versions" />}
      {compared.status === "failed" && <Problem message={compared.message} />}
      {compared.status === "loaded" && (
        <div aria-live="polite">
          <p className="mb-2 text-sm text-slate-700">
            {compared.diff.hunks.length === 0 ? `Versions ${from} and ${to} are the same.`
              : `From ${from} to ${to}: ${compared.diff.removed} ${compared.diff.removed === 1 ? "line" : "lines"} removed, `
                + `${compared.diff.added} added.`}
          </p>
          {compared.diff.hunks.map((hunk, i) => <HunkView key={i} hunk={hunk} />)}
        </div>
      )}
    </Card>
  );
}

const LINE = { same: "text-slate-800", added: "bg-green-50 text-green-900", removed: "bg-red-50 text-red-900" };
const MARK = { same: " ", added: "+", removed: "-" };

function HunkView({ hunk }: { hunk: Hunk }) {
  return (
    <div className="mb-3 overflow-x-auto rounded border border-slate-200 font-mono text-xs" tabIndex={0} role="region"
      aria-label={`Change at line ${hunk.oldStart}`}>
      <p className="bg-slate-100 px-2 py-1 text-slate-700">Line {hunk.oldStart} (was), {hunk.newStart} (now)</p>
      <pre className="m-0">
        {hunk.lines.map((line, i) => (
          <span key={i} className={`block whitespace-pre px-2 ${LINE[line.kind]}`}>
            <span aria-hidden="true" className="select-none">{MARK[line.kind]} </span>
            {line.kind !== "same" && <span className="sr-only">{line.kind}: </span>}{line.text}
          </span>
        ))}
      </pre>
    </div>
  );
}
