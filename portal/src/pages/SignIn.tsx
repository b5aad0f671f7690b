import { useEffect, useState, type FormEvent } from "react";
import { ApiProblem } from "../api/client";
import { useSession } from "../session";
import { button, input, Problem } from "../components/ui";

export function SignIn({ notice }: { notice?: string }) {
  const { signIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<string | undefined>(notice);
  const [busy, setBusy] = useState(false);
  const sso = useSingleSignOn();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      await signIn({ email: email.trim(), password });
    } catch (e) {
      setProblem(e instanceof ApiProblem ? describe(e) : String(e));
      setBusy(false);
    }
  }

  return (
    <main className="mx-auto mt-24 max-w-sm px-4">
      <h1 className="mb-6 text-2xl font-semibold">Sign in to Tollgate</h1>
      <form onSubmit={submit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        {problem && <Problem message={problem} />}
        <div>
          <label htmlFor="email" className="mb-1 block text-sm font-medium">Email</label>
          <input id="email" type="email" autoComplete="username" required className={input} value={email}
            onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div>
          <label htmlFor="password" className="mb-1 block text-sm font-medium">Password</label>
          <input id="password" type="password" autoComplete="current-password" required className={input}
            value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <button type="submit" className={button + " w-full"} disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {sso && (
          <a href={sso} className={button + " block w-full text-center"}>Sign in with SSO</a>
        )}
      </form>
    </main>
  );
}

/**
 * Where the identity provider's sign-in starts, when the control plane has single sign-on
 * (GET /portal/auth/oidc); undefined otherwise, or while it is being asked.
 */
function useSingleSignOn(): string | undefined {
  const [start, setStart] = useState<string>();
  useEffect(() => {
    let live = true;
    fetch("/portal/auth/oidc")
      .then((response) => (response.ok ? response.json() : undefined))
      .then((answer: { enabled?: boolean; start?: string } | undefined) => {
        if (live && answer?.enabled && answer.start) setStart(answer.start);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return start;
}

/** The API's refusals, said for a person at a sign-in form. */
export function describe(e: ApiProblem): string {
  if (e.status === 401) return "Wrong email or password.";
  if (e.status === 429) return e.message.replace(/^too many/, "Too many") + ".";
  if (e.status === 422) return "Enter your email and password.";
  return e.message;
}
