import { useMemo } from "react";
import { useApi } from "../useApi";
import { Card, Loading, Problem, DataTable } from "../components/ui";
import { usd } from "../forecast";
import { errorKinds, lastDay, ms, percent, perModel, requestsPerHour, type ReliabilityRow, type Usage } from "../usage";

/** Requests, errors, tokens and cost of the last 24 hours, per hour and per model. */
export function UsageCard({ org, now = new Date() }: { org: string; now?: Date }) {
  const range = useMemo(() => lastDay(now), [now.getUTCHours(), now.getUTCDate()]);
  const [usage] = useApi<Usage>(`/api/v1/orgs/${encodeURIComponent(org)}/usage?from=${range.from}&to=${range.to}`
    + "&granularity=hour&group_by=model");
  return (
    <Card title="Usage, last 24 hours">
      {usage.status === "loading" && <Loading what="usage" />}
      {usage.status === "failed" && <Problem message={usage.message} />}
      {usage.status === "loaded" && <UsageFigures usage={usage.data} hours={range.hours} />}
      {usage.status === "loaded" && usage.data.totals.requests > 0 && (
        <p className="mt-3 text-sm">
          <a className="font-medium text-indigo-700 underline" download
            href={`/api/v1/orgs/${encodeURIComponent(org)}/usage/export?from=${range.from}&to=${range.to}`}>
            Download these 24 hours' requests as CSV
          </a>
        </p>
      )}
    </Card>
  );
}

function UsageFigures({ usage, hours }: { usage: Usage; hours: string[] }) {
  const totals = usage.totals;
  if (totals.requests === 0) return <p className="text-slate-700">No requests in the last 24 hours.</p>;
  const series = requestsPerHour(usage, hours);
  const max = Math.max(...series.map((s) => s.requests), 1);
  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Figure label="Requests" value={totals.requests.toLocaleString("en-US")} />
        <Figure label="Error rate" value={percent(totals.errors, totals.requests)} />
        <Figure label="Tokens" value={(totals.prompt_tokens + totals.completion_tokens).toLocaleString("en-US")} />
        <Figure label="Cost" value={usd(totals.cost_usd)} />
      </dl>
      <figure>
        <svg role="img" aria-labelledby="requests-chart-title" viewBox="0 0 240 60" className="h-24 w-full"
          preserveAspectRatio="none">
          <title id="requests-chart-title">
            Requests per hour: {series.filter((s) => s.requests > 0).map((s) => `${s.hour.slice(11, 16)} UTC ${s.requests}`).join(", ")}
          </title>
          {series.map((s, i) => (
            <rect key={s.hour} x={i * 10 + 1} width={8} y={60 - (s.requests / max) * 58} height={(s.requests / max) * 58}
              className="fill-indigo-600" />
          ))}
        </svg>
        <figcaption className="mt-1 flex justify-between text-xs text-slate-600">
          <span>{series[0].hour.slice(11, 16)} UTC</span><span>requests per hour</span><span>now</span>
        </figcaption>
      </figure>
      <DataTable label="Usage per model" headings={["Model", "Requests", "Errors", "Tokens", "Cost"]}>
        {perModel(usage).map((m) => (
          <tr key={m.model} className="border-t border-slate-200">
            <td className="px-3 py-2 font-medium">{m.model || "(none)"}</td>
            <td className="px-3 py-2">{m.requests}</td>
            <td className="px-3 py-2">{m.errors} ({percent(m.errors, m.requests)})</td>
            <td className="px-3 py-2">{m.tokens}</td>
            <td className="px-3 py-2">{usd(m.cost)}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded border border-slate-200 p-3">
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="text-lg font-semibold">{value}</dd>
    </div>
  );
}

/** Per model and backend over the last 24 hours: errors and time to first token. */
export function ReliabilityCard({ org, now = new Date() }: { org: string; now?: Date }) {
  const range = useMemo(() => lastDay(now), [now.getUTCHours(), now.getUTCDate()]);
  const [reliability] = useApi<{ data: ReliabilityRow[] }>(
    `/api/v1/orgs/${encodeURIComponent(org)}/reliability?from=${range.from}&to=${range.to}`);
  return (
    <Card title="Reliability, last 24 hours">
      {reliability.status === "loading" && <Loading what="reliability" />}
      {reliability.status === "failed" && <Problem message={reliability.message} />}
      {reliability.status === "loaded" && reliability.data.data.length === 0 && (
        <p className="text-slate-700">No requests in the last 24 hours.</p>
      )}
      {reliability.status === "loaded" && reliability.data.data.length > 0 && (
        <DataTable label="Reliability per model and backend" headings={["Model", "Backend", "Requests", "Error rate", "Errors by kind", "TTFT p50 / p99", "Latency p50 / p99"]}>
          {reliability.data.data.map((r) => (
            <tr key={`${r.model}/${r.backend}`} className="border-t border-slate-200">
              <td className="px-3 py-2 font-medium">{r.model || "(none)"}</td>
              <td className="px-3 py-2">{r.backend ?? "none reached"}</td>
              <td className="px-3 py-2">{r.requests}</td>
              <td className="px-3 py-2">{percent(r.errors, r.requests)}</td>
              <td className="px-3 py-2">{errorKinds(r.errors_by_kind)}</td>
              <td className="px-3 py-2">{ms(r.ttft_ms.p50)} / {ms(r.ttft_ms.p99)}</td>
              <td className="px-3 py-2">{ms(r.latency_ms.p50)} / {ms(r.latency_ms.p99)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}
