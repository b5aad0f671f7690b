import { useState } from "react";
import { useApi } from "../useApi";
import { Card, Loading, Problem, quietButton } from "../components/ui";
import { PlatformPage, Table, td } from "./Platform";
import { RouteWeights } from "./RouteWeights";
import { canaryText, percentText, shares, strategyText } from "./routes";
import type { Route } from "./types";

/** Each model's route: its backends with their weights and shares (editable), the strategy, canary and fallback. */
export function RoutesPage() {
  return <PlatformPage title="Routes"><RoutesPageBody /></PlatformPage>;
}

function RoutesPageBody() {
  const [routes, reload] = useApi<Route[]>("/api/v1/routes");
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string>();
  return (
    <>
      <p className="text-sm text-slate-700">Shares are before health and load: an ejected or saturated backend's share
        goes to the others, and a canary that does worse than the stable side rolls itself back to 0 %.</p>
      {notice && <p role="status" className="rounded border border-green-300 bg-green-50 p-3 text-green-900">{notice}</p>}
      {routes.status === "loading" && <Loading what="routes" />}
      {routes.status === "failed" && <Problem message={routes.message} />}
      {routes.status === "loaded" && routes.data.length === 0 && (
        <p className="text-slate-700">No routes yet: no model is served. Add one with tollgate-admin routes create, or an apply file.</p>
      )}
      {routes.status === "loaded" && routes.data.map((route) => (
        <Card key={route.model} title={route.model}>
          <dl className="mb-3 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
            <dt className="font-medium">Strategy</dt><dd>{strategyText(route)}</dd>
            <dt className="font-medium">Canary</dt><dd>{canaryText(route)}</dd>
            <dt className="font-medium">Fallback</dt><dd>{route.fallback ?? "none"}</dd>
            <dt className="font-medium">Version</dt><dd>{route.version}</dd>
          </dl>
          <Table label={`Backends of ${route.model}`} head={["Backend", "Weight", "Share"]}>
            {shares(route).map((share) => (
              <tr key={share.backend} className="border-t border-slate-200">
                <td className={td}>{share.backend}{share.canary && " (canary)"}</td>
                <td className={td}>{share.canary ? "—" : share.weight === 0 ? "0 (drained)" : share.weight}</td>
                <td className={td}>
                  <span className="inline-flex items-center gap-2">
                    <span aria-hidden="true" className="inline-block h-2 rounded bg-indigo-600"
                      style={{ width: `${Math.max(share.percent, 0.5)}px` }} />
                    {percentText(share.percent)}
                  </span>
                </td>
              </tr>
            ))}
          </Table>
          <div className="mt-3">
            {editing === route.model ? (
              <RouteWeights route={route} onDone={(saved) => {
                setEditing(null);
                if (saved) setNotice(`New weights for ${route.model} saved.`);
                reload();
              }} />
            ) : (
              <button type="button" className={quietButton} aria-label={`Edit weights of ${route.model}`}
                onClick={() => { setNotice(undefined); setEditing(route.model); }}>Edit weights</button>
            )}
          </div>
        </Card>
      ))}
    </>
  );
}
