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
