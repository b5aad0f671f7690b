import { useEffect } from "react";
import { useApi } from "../useApi";
import { Loading, Problem } from "../components/ui";
import { PlatformPage, Table, td } from "./Platform";
import { ageText, backendLoads, countText, healthText, healthTone, kvText, LATE_AFTER_MS } from "./load";
import type { CatalogBackend, GatewayReport } from "./types";

/** How often the page asks again: the gateways report every poll (5 s by default). */
export const REFRESH_MS = 5_000;

const TONE = {
  good: "text-green-800",
  warn: "text-amber-800",
  bad: "font-medium text-red-800",
  none: "text-slate-600",
};

/** The catalogue's backends and their live load, as the gateways last reported it. */
export function Backends() {
  return <PlatformPage title="Backends and their load"><BackendsBody /></PlatformPage>;
}

function BackendsBody() {
  const [backends, reloadBackends] = useApi<CatalogBackend[]>("/api/v1/backends");
  const [gateways, reloadGateways] = useApi<GatewayReport[]>("/api/v1/gateways");
  useEffect(() => {
    const timer = setInterval(() => {
      reloadBackends();
      reloadGateways();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reloadBackends, reloadGateways]);

  return (
    <>
      <p className="text-sm text-slate-700">Queue and KV cache are the backend's own figures (the freshest a gateway
        scraped); health and ejections are each gateway's judgement. Refreshed every {REFRESH_MS / 1000} seconds.</p>
      {backends.status === "loading" && <Loading what="backends" />}
      {backends.status === "failed" && <Problem message={backends.message} />}
      {gateways.status === "failed" && <Problem message={`Live load cannot be shown: ${gateways.message}`} />}
      {backends.status === "loaded" && backends.data.length === 0 && (
        <p className="text-slate-700">No backends yet. Add them with tollgate-admin backends create, or an apply file.</p>
      )}
      {backends.status === "loaded" && backends.data.length > 0 && (
        <>
          <FleetSummary gateways={gateways.status === "loaded" ? gateways.data : undefined} />
          <Table label="Backends" head={["Backend", "Health", "Queue", "Running", "KV cache", "In flight", "Ejections", "Reading"]}>
            {backendLoads(backends.data, gateways.status === "loaded" ? gateways.data : []).map((load) => (
              <tr key={load.id} className="border-t border-slate-200">
                <td className={td}>
                  <span className="font-medium">{load.id}</span>
                  <span className="block break-all text-xs text-slate-600">{load.url}</span>
                </td>
                <td className={`${td} ${TONE[healthTone(load)]}`}>{healthText(load)}</td>
                <td className={td}>{countText(load.waiting)}</td>
                <td className={td}>{countText(load.running)}</td>
                <td className={td}>{kvText(load.kvCacheUsage)}</td>
                <td className={td}>{load.seenBy === 0 ? "—" : load.inFlight}</td>
                <td className={td}>{load.seenBy === 0 ? "—" : load.ejections}</td>
                <td className={td}>{load.readingAgeMs === undefined ? "none yet" : `${ageText(load.readingAgeMs)} old`}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </>
  );
}

function FleetSummary({ gateways }: { gateways: GatewayReport[] | undefined }) {
  if (gateways === undefined) return <Loading what="the gateways' reports" />;
  if (gateways.length === 0) {
    return <p className="rounded border border-amber-300 bg-amber-50 p-3 text-amber-900">No gateway has reported yet,
      so there is no live load to show. Gateways in platform mode report after each config poll.</p>;
  }
  const late = gateways.filter((g) => g.ageMs > LATE_AFTER_MS);
  return (
    <p className="text-sm text-slate-700">
      From {gateways.length} {gateways.length === 1 ? "gateway" : "gateways"}.
      {late.length > 0 && <span className="text-amber-800"> Not heard from lately: {late.map((g) =>
        `${g.instance} (${ageText(g.ageMs)} ago)`).join(", ")}.</span>}
    </p>
  );
}
