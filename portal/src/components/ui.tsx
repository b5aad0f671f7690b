import type { ReactNode } from "react";

export function Loading({ what }: { what: string }) {
  return <p role="status" className="text-slate-600">Loading {what}…</p>;
}

export function Problem({ message }: { message: string }) {
  return (
    <div role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-800">
      {message}
    </div>
  );
}

export function Card({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 className="mb-3 text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

export const button =
  "rounded bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800 " +
  "focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2 disabled:opacity-50";
export const dangerButton =
  "rounded bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 " +
  "focus:outline-none focus-visible:ring-2 focus-visible:ring-red-500 focus-visible:ring-offset-2";
export const quietButton =
  "rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-100 " +
  "focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500";
export const input =
  "w-full rounded border border-slate-400 px-2 py-1.5 text-sm focus:border-indigo-600 focus:outline-none " +
  "focus:ring-1 focus:ring-indigo-600";

/**
 * A table that scrolls sideways at a phone's width, reachable by keyboard and named for screen
 * readers; its headings are the columns' (false or null: a column the viewer does not get, e.g. the
 * actions a role may not take).
 */
export function DataTable({ label, headings, children }:
  { label: string; headings: (ReactNode | false | null | undefined)[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={label}>
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-100 text-slate-700">
          <tr>
            {headings.filter((heading) => heading !== false && heading !== null && heading !== undefined)
              .map((heading, i) => <th key={i} scope="col" className="px-3 py-2">{heading}</th>)}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
