import { Link } from "react-router-dom";
import type { Org } from "../api/types";
import { useMe } from "../session";
import { useApi } from "../useApi";
import { Card, Loading, Problem } from "../components/ui";
import { usd } from "../forecast";
import { OrgCreate, OrgSpend } from "../admin/OrgAdmin";

/** The orgs the user belongs to; every org for a platform admin. */
export function Orgs() {
  const me = useMe();
  const [orgs, reload] = useApi<Org[]>("/api/v1/orgs");
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{me.platformAdmin ? "All organisations" : "Your organisations"}</h1>
      {me.platformAdmin && <OrgCreate onCreated={reload} />}
      {orgs.status === "loading" && <Loading what="organisations" />}
      {orgs.status === "failed" && <Problem message={orgs.message} />}
      {orgs.status === "loaded" && orgs.data.length === 0 && (
        <Card title="No organisations yet">
          <p className="text-slate-700">
            {me.platformAdmin
              ? "Create one above, with tollgate-admin orgs create, or with an apply file."
              : "You are not a member of any organisation. Ask an org owner or a platform admin to add you."}
          </p>
        </Card>
      )}
      {orgs.status === "loaded" && orgs.data.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white" tabIndex={0} role="region" aria-label="Organisations table">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-100 text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2">Organisation</th>
                <th scope="col" className="px-3 py-2">Your role</th>
                <th scope="col" className="px-3 py-2">Policy</th>
                <th scope="col" className="px-3 py-2">Budget</th>
                <th scope="col" className="px-3 py-2">Spent this period</th>
              </tr>
            </thead>
            <tbody>
              {orgs.data.map((org) => (
                <tr key={org.name} className="border-t border-slate-200">
                  <td className="px-3 py-2">
                    <Link to={`/orgs/${encodeURIComponent(org.name)}`} className="font-medium text-indigo-700 underline">
                      {org.display || org.name}
                    </Link>
                    {org.display && <span className="ml-2 text-slate-600">{org.name}</span>}
                  </td>
                  <td className="px-3 py-2">{me.roles[org.name] ?? (me.platformAdmin ? "platform admin" : "")}</td>
                  <td className="px-3 py-2">{org.policy ?? "none"}</td>
                  <td className="px-3 py-2">{org.budget ? `${usd(org.budget.limitUsd)} a ${org.budget.period}` : "none"}</td>
                  <td className="px-3 py-2"><OrgSpend org={org} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
