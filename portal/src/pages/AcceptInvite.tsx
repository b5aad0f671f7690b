import { useEffect, useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { ApiProblem } from "../api/client";
import { inviteToken, invites, type InvitationDetails } from "../api/invites";
import { useSession } from "../session";
import { button, Card, input, Loading, Problem } from "../components/ui";

const MIN_PASSWORD = 12;

type State =
  | { status: "loading" }
  | { status: "refused"; message: string }
  | { status: "open"; token: string; invitation: InvitationDetails };

/**
 * An invitation's link (/invite#token): says what it invites to, asks for a password, and signs the
 * invitee in to the org. A used, expired, revoked or replaced link is said in words.
 */
export function AcceptInvite() {
  const { adopt } = useSession();
  const navigate = useNavigate();
  const [state, setState] = useState<State>({ status: "loading" });
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const token = inviteToken(window.location.hash);
    if (!token) {
      setState({ status: "refused", message: "This link holds no invitation: open the whole link from the email." });
      return;
    }
    invites.lookup(token)
      .then((invitation) => setState({ status: "open", token, invitation }))
      .catch((e: unknown) => setState({ status: "refused", message: e instanceof ApiProblem ? e.message : String(e) }));
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (state.status !== "open") return;
    setProblem(undefined);
    if (password.length < MIN_PASSWORD) {
      setProblem(`The password must be at least ${MIN_PASSWORD} characters.`);
      return;
    }
    if (password !== again) {
      setProblem("The two passwords differ.");
      return;
    }
    setBusy(true);
    try {
      const me = await invites.accept(state.token, password);
      adopt(me);
      navigate(`/orgs/${encodeURIComponent(state.invitation.org)}`, { replace: true });
    } catch (e) {
      setProblem(e instanceof ApiProblem
        ? [e.message, ...e.fields.map((f) => f.reason)].join(" — ") : String(e));
      setBusy(false);
    }
  }

  return (
    <main className="mx-auto max-w-md px-4 py-10">
      <h1 className="mb-6 text-2xl font-semibold">Join an organisation on Tollgate</h1>
      {state.status === "loading" && <Loading what="your invitation" />}
      {state.status === "refused" && (
        <div className="space-y-3">
          <Problem message={state.message} />
          <p><a className="text-indigo-700 underline" href="/">Go to the sign-in page</a></p>
        </div>
      )}
      {state.status === "open" && (
        <Card title={`You are invited to ${state.invitation.org}`}>
          <p className="mb-4 text-sm text-slate-700">
            As <strong>{state.invitation.role}</strong>, signing in as <strong>{state.invitation.email}</strong>.
            Choose a password (at least {MIN_PASSWORD} characters) to join.
          </p>
          <form onSubmit={submit} className="space-y-3">
            {/* For password managers: the account the new password belongs to. */}
            <input type="email" autoComplete="username" value={state.invitation.email} readOnly hidden />
            <div>
              <label htmlFor="invite-password" className="mb-1 block text-sm font-medium">Password</label>
              <input id="invite-password" type="password" autoComplete="new-password" required className={input}
                value={password} onChange={(e) => setPassword(e.target.value)} />
            </div>
            <div>
              <label htmlFor="invite-password-again" className="mb-1 block text-sm font-medium">The same password again</label>
              <input id="invite-password-again" type="password" autoComplete="new-password" required className={input}
                value={again} onChange={(e) => setAgain(e.target.value)} />
            </div>
            {problem && <Problem message={problem} />}
            <button type="submit" className={button} disabled={busy}>{busy ? "Joining…" : "Join " + state.invitation.org}</button>
          </form>
        </Card>
      )}
    </main>
  );
}
