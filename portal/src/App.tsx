import { NavLink, Navigate, Route, Routes, useLocation, useParams, BrowserRouter } from "react-router-dom";
import { SessionProvider, useMe, useSession } from "./session";
import { SignIn } from "./pages/SignIn";
import { Orgs } from "./pages/Orgs";
import { Overview } from "./pages/Overview";
import { Keys } from "./pages/Keys";
import { Audit } from "./pages/Audit";
import { Members } from "./pages/Members";
import { UsageExplorer } from "./pages/UsageExplorer";
import { AcceptInvite } from "./pages/AcceptInvite";
import { Limits } from "./pages/Limits";
import { Alerts } from "./pages/Alerts";
import { Loading, quietButton } from "./components/ui";
import { may } from "./roles";
import { PlatformNav } from "./admin/Platform";
import { Models } from "./admin/Models";
import { Backends } from "./admin/Backends";
import { RoutesPage } from "./admin/RoutesPage";
import { ConfigVersions } from "./admin/ConfigVersions";

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </BrowserRouter>
  );
}

function Gate() {
  const { state } = useSession();
  // An invitation's link is opened signed out (the invitee has no user yet), or by anyone on this browser.
  if (useLocation().pathname === "/invite") return <AcceptInvite />;
  if (state.status === "loading") return <main className="p-6"><Loading what="your session" /></main>;
  if (state.status === "signed-out") return <SignIn notice={state.problem} />;
  return <Shell />;
}

function Shell() {
  const me = useMe();
  const { signOut } = useSession();
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <NavLink to="/orgs" className="text-lg font-semibold text-slate-900">Tollgate</NavLink>
          <div className="flex items-center gap-3 text-sm">
            <span>{me.actor}{me.platformAdmin && " (platform admin)"}</span>
            <button type="button" className={quietButton} onClick={() => void signOut()}>Sign out</button>
          </div>
        </div>
        <PlatformNav />
      </header>
      <main className="mx-auto max-w-5xl px-4 py-6">
        <Routes>
          <Route path="/" element={<Navigate to="/orgs" replace />} />
          <Route path="/orgs" element={<Orgs />} />
          <Route path="/orgs/:org" element={<OrgPage tab="overview" />} />
          <Route path="/orgs/:org/keys" element={<OrgPage tab="keys" />} />
          <Route path="/orgs/:org/usage" element={<OrgPage tab="usage" />} />
          <Route path="/orgs/:org/members" element={<OrgPage tab="members" />} />
          <Route path="/orgs/:org/audit" element={<OrgPage tab="audit" />} />
          <Route path="/orgs/:org/limits" element={<OrgPage tab="limits" />} />
          <Route path="/orgs/:org/alerts" element={<OrgPage tab="alerts" />} />
          <Route path="/platform/models" element={<Models />} />
          <Route path="/platform/backends" element={<Backends />} />
          <Route path="/platform/routes" element={<RoutesPage />} />
          <Route path="/platform/config" element={<ConfigVersions />} />
          <Route path="*" element={<p>There is no such page. <NavLink className="text-indigo-700 underline" to="/orgs">Back to your organisations</NavLink></p>} />
        </Routes>
      </main>
    </>
  );
}

function OrgPage({ tab }: { tab: "overview" | "usage" | "keys" | "members" | "audit" | "limits" | "alerts" }) {
  const { org = "" } = useParams();
  const me = useMe();
  const tabClass = ({ isActive }: { isActive: boolean }) =>
    `rounded px-3 py-1.5 text-sm font-medium ${isActive ? "bg-indigo-700 text-white" : "text-slate-800 hover:bg-slate-200"}`;
  const base = `/orgs/${encodeURIComponent(org)}`;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">{org}</h1>
      <nav aria-label="Organisation" className="flex flex-wrap gap-2">
        <NavLink end to={base} className={tabClass}>Overview</NavLink>
        {may(me, org, "SPEND_READ") && <NavLink to={`${base}/usage`} className={tabClass}>Usage</NavLink>}
        {may(me, org, "KEYS_READ") && <NavLink to={`${base}/keys`} className={tabClass}>Keys</NavLink>}
        {may(me, org, "MEMBERS_READ") && <NavLink to={`${base}/members`} className={tabClass}>Members</NavLink>}
        {may(me, org, "AUDIT_READ") && <NavLink to={`${base}/audit`} className={tabClass}>Audit</NavLink>}
        <NavLink to={`${base}/limits`} className={tabClass}>Limits</NavLink>
        {may(me, org, "SPEND_READ") && <NavLink to={`${base}/alerts`} className={tabClass}>Alerts</NavLink>}
      </nav>
      {tab === "overview" && <Overview org={org} />}
      {tab === "usage" && <UsageExplorer org={org} />}
      {tab === "keys" && <Keys org={org} />}
      {tab === "members" && <Members org={org} />}
      {tab === "audit" && <Audit org={org} />}
      {tab === "limits" && <Limits org={org} />}
      {tab === "alerts" && <Alerts org={org} />}
    </div>
  );
}
