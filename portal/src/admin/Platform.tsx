import type { ReactNode } from "react";
import { NavLink } from "react-router-dom";
import { useMe } from "../session";
import { Card } from "../components/ui";
import { ApiProblem } from "../api/client";

/** The platform admin's pages, in the header; not offered to anyone else. */
export function PlatformNav() {
  const me = useMe();
  if (!me.platformAdmin) return null;
  const link = ({ isActive }: { isActive: boolean }) =>
    `rounded px-2 py-1 text-sm font-medium ${isActive ? "bg-slate-800 text-white" : "text-slate-800 hover:bg-slate-200"}`;
  return (
    <nav aria-label="Platform" className="mx-auto flex max-w-5xl flex-wrap gap-1 px-4 pb-2">
      <NavLink to="/orgs" end className={link}>Organisations</NavLink>
      <NavLink to="/platform/models" className={link}>Models and prices</NavLink>
      <NavLink to="/platform/backends" className={link}>Backends</NavLink>
      <NavLink to="/platform/routes" className={link}>Routes</NavLink>
      <NavLink to="/platform/config" className={link}>Config versions</NavLink>
    </nav>
  );
}

/** A platform admin's page: anyone else reaching its address is told so (and the API refuses them anyway). */
export function PlatformPage({ title, children }: { title: string; children: ReactNode }) {
  const me = useMe();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{title}</h1>
      {me.platformAdmin ? children : (
        <Card title="For platform admins only">
          <p className="text-slate-700">This page is for platform admins. <NavLink className="text-indigo-700 underline" to="/orgs">Back to your organisations</NavLink></p>
        </Card>
      )}
    </div>
  );
}

/** A refusal in words, the API's fields included. */
export function problemText(e: unknown): string {
  if (!(e instanceof ApiProblem)) return String(e);
  return [e.message, ...e.fields.map((f) => `${f.path}: ${f.reason}`)].join(" — ");
}

export const th = "px-3 py-2 font-medium";
export const td = "px-3 py-2 align-top";

/** A table that scrolls sideways at a phone's width, reachable by keyboard. */
export function Table({ label, head, children }: { label: string; head: string[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white" tabIndex={0} role="region" aria-label={label}>
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-100 text-slate-700">
          <tr>{head.map((h) => <th key={h} scope="col" className={th}>{h}</th>)}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
