import { useCallback, useEffect, useState } from "react";
import { api, ApiProblem } from "./api/client";

export type Loaded<T> =
  | { status: "loading" }
  | { status: "failed"; message: string }
  | { status: "loaded"; data: T };

/** GET {@code path}; reload() fetches it again (after a change). */
export function useApi<T>(path: string): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    api<T>("GET", path)
      .then((data) => current && setState({ status: "loaded", data }))
      .catch((e: unknown) => current && setState({ status: "failed",
        message: e instanceof ApiProblem ? e.message : String(e) }));
    return () => {
      current = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [state, reload];
}
