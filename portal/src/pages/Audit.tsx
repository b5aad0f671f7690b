import { useEffect, useState, type FormEvent } from "react";
import { api, ApiProblem } from "../api/client";
import { button, Card, input, Loading, Problem, quietButton } from "../components/ui";

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

export function auditPath(org: string, action: string, before: string | null): string {
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (action.trim()) query.set("action", action.trim());
  if (before) query.set("before", before);
  return `/api/v1/orgs/${encodeURIComponent(org)}/audit?${query}`;
}

/** The org's audit log, newest first, filtered by action ("key.*" for a prefix), a page at a time. */
export function Audit({ org }: { org: string }) {
  const [filter, setFilter] = useState("");
  const [applied, setApplied] = useState("");
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
    setApplied(filter);
    setPages([null]);
  }

  return (
    <Card title="Audit log">
      <form onSubmit={submit} className="mb-3 flex flex-wrap items-end gap-2">
        <div className="grow">
          <label htmlFor="audit-action" className="mb-1 block text-sm font-medium">Action</label>
          <input id="audit-action" className={input} placeholder="key.* or org.budget" value={filter}
            onChange={(e) => setFilter(e.target.value)} />
        </div>
        <button type="submit" className={button}>Filter</button>
      </form>
      {problem && <Problem message={problem} />}
      {!problem && !page && <Loading what="the audit log" />}
      {page && page.entries.length === 0 && <p className="text-slate-700">No entries.</p>}
      {page && page.entries.length > 0 && (
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Audit entries">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-100 text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2">When (UTC)</th>
                <th scope="col" className="px-3 py-2">Who</th>
                <th scope="col" className="px-3 py-2">Action</th>
                <th scope="col" className="px-3 py-2">Target</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((entry) => (
                <tr key={entry.id} className="border-t border-slate-200">
                  <td className="px-3 py-2 whitespace-nowrap">{entry.at.replace("T", " ").slice(0, 19)}</td>
                  <td className="px-3 py-2">{entry.actor}</td>
                  <td className="px-3 py-2 font-mono">{entry.action}</td>
                  <td className="px-3 py-2 font-mono">{entry.target}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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
