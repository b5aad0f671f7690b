import { useMemo, useState } from "react";
import { useApi } from "../useApi";
import { Card, input, Loading, Problem } from "../components/ui";
import { usd } from "../forecast";
import { percent, type Usage } from "../usage";
import {
  bucketLabel, defaultGranularity, perBucket, perGroup, PRESETS, rangeOf, type Choice, type Granularity, type GroupBy,
  type Preset, type Range,
} from "../explorer";

/** Usage over a range of the caller's choice, per hour or day, by model or key, with its CSV. */
export function UsageExplorer({ org, now = new Date() }: { org: string; now?: Date }) {
  const [choice, setChoice] = useState<Choice>({ preset: "7d", granularity: "day", groupBy: "model", firstDay: "",
    lastDay: "" });
  const range = useMemo(() => rangeOf(choice, now), [choice, now.getUTCHours(), now.getUTCDate()]);
  const set = <K extends keyof Choice>(name: K, value: Choice[K]) => setChoice((c) => ({ ...c, [name]: value }));
  const select = "rounded border border-slate-400 px-2 py-1.5 text-sm";
  return (
    <div className="space-y-4">
      <Card title="Usage explorer">
        <form className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
          <div>
            <label htmlFor="usage-range" className="mb-1 block text-sm font-medium">Range</label>
            <select id="usage-range" className={select} value={choice.preset} onChange={(e) => {
              const preset = e.target.value as Preset;
              setChoice((c) => ({ ...c, preset, granularity: defaultGranularity(preset) }));
            }}>
              {PRESETS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </div>
          {choice.preset === "custom" && (
            <>
              <div>
                <label htmlFor="usage-first" className="mb-1 block text-sm font-medium">First day (UTC)</label>
                <input id="usage-first" type="date" className={input} value={choice.firstDay}
                  onChange={(e) => set("firstDay", e.target.value)} />
              </div>
              <div>
                <label htmlFor="usage-last" className="mb-1 block text-sm font-medium">Last day (UTC)</label>
                <input id="usage-last" type="date" className={input} value={choice.lastDay}
                  onChange={(e) => set("lastDay", e.target.value)} />
              </div>
            </>
          )}
          <div>
            <label htmlFor="usage-granularity" className="mb-1 block text-sm font-medium">Per</label>
            <select id="usage-granularity" className={select} value={choice.granularity}
              onChange={(e) => set("granularity", e.target.value as Granularity)}>
              <option value="hour">hour</option>
              <option value="day">day</option>
            </select>
          </div>
          <div>
            <label htmlFor="usage-group" className="mb-1 block text-sm font-medium">By</label>
            <select id="usage-group" className={select} value={choice.groupBy}
              onChange={(e) => set("groupBy", e.target.value as GroupBy)}>
              <option value="model">model</option>
              <option value="key">key</option>
            </select>
          </div>
        </form>
      </Card>
      {"problem" in range
        ? <Problem message={range.problem} />
        : <UsageOf org={org} range={range} groupBy={choice.groupBy} />}
      <StatementCard org={org} now={now} />
    </div>
  );
}

/** Links to the org's monthly statement (UTC): the printable page and the CSV. */
function StatementCard({ org, now }: { org: string; now: Date }) {
  const [month, setMonth] = useState(now.toISOString().slice(0, 7));
  const path = `/api/v1/orgs/${encodeURIComponent(org)}/statements/${month}`;
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  return (
    <Card title="Monthly statement">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="statement-month" className="mb-1 block text-sm font-medium">Month (UTC)</label>
          <input id="statement-month" type="month" className={input} value={month} onChange={(e) => setMonth(e.target.value)}
            aria-describedby="statement-month-help" />
          <p id="statement-month-help" className="mt-1 text-xs text-slate-600">yyyy-mm; the current month is to date</p>
        </div>
        {valid ? (
          <p className="flex flex-wrap gap-4 text-sm sm:mb-5">
            <a className="font-medium text-indigo-700 underline" href={`${path}?format=html`} target="_blank"
              rel="noopener noreferrer">Open the printable statement for {month}</a>
            <a className="font-medium text-indigo-700 underline" download href={`${path}?format=csv`}>
              Download the statement for {month} as CSV
            </a>
          </p>
        ) : <p className="text-sm text-slate-700 sm:mb-5">Choose a month.</p>}
      </div>
    </Card>
  );
}

function UsageOf({ org, range, groupBy }: { org: string; range: Range; groupBy: GroupBy }) {
  const base = `/api/v1/orgs/${encodeURIComponent(org)}`;
  const [usage] = useApi<Usage>(`${base}/usage?from=${range.from}&to=${range.to}&granularity=${range.granularity}`
    + `&group_by=${groupBy}`);
  const span = `${range.from.slice(0, 16).replace("T", " ")} to ${range.to.slice(0, 16).replace("T", " ")} UTC`;
  return (
    <Card title={`Usage, ${span}`}>
      {usage.status === "loading" && <Loading what="usage" />}
      {usage.status === "failed" && <Problem message={usage.message} />}
      {usage.status === "loaded" && usage.data.totals.requests === 0 && (
        <p className="text-slate-700">No requests in this range.</p>
      )}
      {usage.status === "loaded" && usage.data.totals.requests > 0 && (
        <div className="space-y-4">
          <Chart usage={usage.data} range={range} />
          <GroupTable usage={usage.data} groupBy={groupBy} />
          <p className="text-sm">
            <a className="font-medium text-indigo-700 underline" download
              href={`${base}/usage/export?from=${range.from}&to=${range.to}`}>
              Download this range's requests as CSV
            </a>
          </p>
        </div>
      )}
    </Card>
  );
}

function Chart({ usage, range }: { usage: Usage; range: Range }) {
  const series = perBucket(usage, range.buckets);
  const max = Math.max(...series.map((s) => s.requests), 1);
  const width = series.length * 10;
  const unit = range.granularity === "hour" ? "hour" : "day";
  return (
    <figure>
      <svg role="img" aria-labelledby="explorer-chart-title" viewBox={`0 0 ${width} 60`} className="h-28 w-full"
        preserveAspectRatio="none">
        <title id="explorer-chart-title">
          Requests per {unit}: {series.filter((s) => s.requests > 0)
            .map((s) => `${bucketLabel(s.bucket, range.granularity)} ${s.requests}`).join(", ")}
        </title>
        {series.map((s, i) => (
          <rect key={s.bucket} x={i * 10 + 1} width={8} y={60 - (s.requests / max) * 58} height={(s.requests / max) * 58}
            className="fill-indigo-600" />
        ))}
      </svg>
      <figcaption className="mt-1 flex justify-between text-xs text-slate-600">
        <span>{bucketLabel(series[0].bucket, range.granularity)}</span>
        <span>requests per {unit} (UTC)</span>
        <span>{bucketLabel(series[series.length - 1].bucket, range.granularity)}</span>
      </figcaption>
    </figure>
  );
}

function GroupTable({ usage, groupBy }: { usage: Usage; groupBy: GroupBy }) {
  const name = groupBy === "key" ? "Key" : "Model";
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={`Usage per ${groupBy}`}>
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-100 text-slate-700">
          <tr>
            <th scope="col" className="px-3 py-2">{name}</th>
            <th scope="col" className="px-3 py-2">Requests</th>
            <th scope="col" className="px-3 py-2">Errors</th>
            <th scope="col" className="px-3 py-2">Input tokens</th>
            <th scope="col" className="px-3 py-2">Output tokens</th>
            <th scope="col" className="px-3 py-2">Cost</th>
          </tr>
        </thead>
        <tbody>
          {perGroup(usage, groupBy).map((g) => (
            <tr key={g.name} className="border-t border-slate-200">
              <td className="px-3 py-2 font-medium">{g.name || "(none)"}</td>
              <td className="px-3 py-2">{g.requests.toLocaleString("en-US")}</td>
              <td className="px-3 py-2">{g.errors} ({percent(g.errors, g.requests)})</td>
              <td className="px-3 py-2">{g.promptTokens.toLocaleString("en-US")}</td>
              <td className="px-3 py-2">{g.completionTokens.toLocaleString("en-US")}</td>
              <td className="px-3 py-2">{usd(g.cost)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="border-t-2 border-slate-400 font-semibold">
            <td className="px-3 py-2">Total</td>
            <td className="px-3 py-2">{usage.totals.requests.toLocaleString("en-US")}</td>
            <td className="px-3 py-2">{usage.totals.errors} ({percent(usage.totals.errors, usage.totals.requests)})</td>
            <td className="px-3 py-2">{usage.totals.prompt_tokens.toLocaleString("en-US")}</td>
            <td className="px-3 py-2">{usage.totals.completion_tokens.toLocaleString("en-US")}</td>
            <td className="px-3 py-2">{usd(usage.totals.cost_usd)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
