import { useEffect, useState, type FormEvent } from "react";
import { api, ApiProblem } from "../api/client";
import { button, Card, input, Loading, Problem, quietButton, DataTable } from "../components/ui";

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  requestId: string;
}

interface AuditPage {
  entries: AuditEntry[];
  next: string | null;
}

const PAGE = 50;

/** The filters as typed: action and target exact or a prefix ending in *, actor exact, dates in UTC (empty = any). */
export interface AuditFilters {
  action: string;
  actor: string;
  target: string;
  from: string; // yyyy-mm-dd, from 00:00 UTC
  to: string; // yyyy-mm-dd, that whole day included
}

export const NO_FILTERS: AuditFilters = { action: "", actor: "", target: "", from: "", to: "" };

export function auditPath(org: string, filters: AuditFilters, before: string | null): string {
  const query = new URLSearchParams({ limit: String(PAGE) });
  for (const name of ["action", "actor", "target"] as const) {
    if (filters[name].trim()) query.set(name, filters[name].trim());
  }
  if (filters.from) query.set("since", `${filters.from}T00:00:00Z`);
  if (filters.to) {
    const next = new Date(`${filters.to}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    query.set("until", next.toISOString().replace(".000Z", "Z"));
  }
  if (before) query.set("before", before);
  return `/api/v1/orgs/${encodeURIComponent(org)}/audit?${query}`;
}

/** The org's audit log, newest first, filtered by action, actor, target and days, a page at a time. */
export function Audit({ org }: { org: string }) {
  const [filter, setFilter] = useState<AuditFilters>(NO_FILTERS);
  const [applied, setApplied] = useState<AuditFilters>(NO_FILTERS);
  const [pages, setPages] = useState<(string | null)[]>([null]); // the "before" of each page seen
  const [page, setPage] = useState<AuditPage | null>(null);
  const [problem, setProblem] = useState<string>();
  const before = pages[pages.length - 1];

  useEffect(() => {
    let current = true;
    setPage(null);
    setProblem(undefined);
    api<AuditPage>("GET", auditPath(org, applied, before))
      .then((p) => current && setPage(p))
      .catch((e: unknown) => current && setProblem(e instanceof ApiProblem ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [org, applied, before]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (filter.from && filter.to && filter.to < filter.from) {
      setProblem("The last day is before the first: swap them.");
      return;
    }
    setApplied(filter);
    setPages([null]);
  }

  function clear() {
    setFilter(NO_FILTERS);
    setApplied(NO_FILTERS);
    setPages([null]);
  }

  const field = (name: keyof AuditFilters, label: string, placeholder: string, type = "text") => (
    <div className={type === "date" ? "" : "grow"}>
      <label htmlFor={`audit-${name}`} className="mb-1 block text-sm font-medium">{label}</label>
      <input id={`audit-${name}`} type={type} className={input} placeholder={placeholder} value={filter[name]}
        onChange={(e) => setFilter((f) => ({ ...f, [name]: e.target.value }))} />
    </div>
  );

  return (
    <Card title="Audit log">
      <form onSubmit={submit} className="mb-3 flex flex-wrap items-end gap-2">
        {field("action", "Action", "key.* or org.budget")}
        {field("actor", "Who", "ann@example.com")}
        {field("target", "Target", "org:acme/key:*")}
        {field("from", "First day (UTC)", "", "date")}
        {field("to", "Last day (UTC)", "", "date")}
        <button type="submit" className={button}>Filter</button>
        <button type="button" className={quietButton} onClick={clear}>Clear</button>
      </form>
      {problem && <Problem message={problem} />}
      {!problem && !page && <Loading what="the audit log" />}
      {page && page.entries.length === 0 && <p className="text-slate-700">No entries.</p>}
      {page && page.entries.length > 0 && (
        <DataTable label="Audit entries" headings={["When (UTC)", "Who", "Action", "Target"]}>
          {page.entries.map((entry) => (
            <tr key={entry.id} className="border-t border-slate-200">
              <td className="px-3 py-2 whitespace-nowrap">{entry.at.replace("T", " ").slice(0, 19)}</td>
              <td className="px-3 py-2">{entry.actor}</td>
              <td className="px-3 py-2 font-mono">{entry.action}</td>
              <td className="px-3 py-2 font-mono">{entry.target}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <div className="mt-3 flex gap-2">
        {pages.length > 1 && (
          <button type="button" className={quietButton} onClick={() => setPages(pages.slice(0, -1))}>Newer</button>
        )}
        {page?.next && (
          <button type="button" className={quietButton} onClick={() => setPages([...pages, page.next])}>Older</button>
        )}
      </div>
    </Card>
  );
}
