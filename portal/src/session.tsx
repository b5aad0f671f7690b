import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";
import { ApiProblem, csrfToken, session, type Login, type Me } from "./api/client";

type State =
  | { status: "loading" }
  | { status: "signed-out"; problem?: string }
  | { status: "signed-in"; me: Me };

interface SessionContext {
  state: State;
  signIn(login: Login): Promise<void>;
  signOut(): Promise<void>;
  /** Signed in by another way than the form (an accepted invitation answers as sign-in does). */
  adopt(me: Me): void;
}

const Context = createContext<SessionContext | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: "loading" });

  useEffect(() => {
    // No CSRF cookie, no session (they are set and cleared together): ask nothing, so that a signed-out
    // visit does not log a refused request in the browser's console.
    if (!csrfToken()) {
      setState({ status: "signed-out" });
      return;
    }
    session.me()
      .then((me) => setState({ status: "signed-in", me }))
      .catch((e: unknown) => setState({ status: "signed-out",
        problem: e instanceof ApiProblem && e.status !== 401 ? e.message : undefined }));
  }, []);

  const signIn = useCallback(async (login: Login) => {
    const me = await session.signIn(login);
    setState({ status: "signed-in", me });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await session.signOut();
    } finally {
      setState({ status: "signed-out" });
    }
  }, []);

  const adopt = useCallback((me: Me) => setState({ status: "signed-in", me }), []);

  return <Context.Provider value={{ state, signIn, signOut, adopt }}>{children}</Context.Provider>;
}

export function useSession(): SessionContext {
  const context = useContext(Context);
  if (!context) throw new Error("useSession outside SessionProvider");
  return context;
}

/** The signed-in user (only under the signed-in part of the app). */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== "signed-in") throw new Error("not signed in");
  return state.me;
}
