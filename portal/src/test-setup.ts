import { afterEach } from "vitest";
import { cleanup, configure } from "@testing-library/react";

// The suite runs inside the Maven build, beside other modules' JVMs on a 2-core machine: findBy and
// waitFor give a slow render five seconds (testing-library's default is one), not a false failure.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
  document.cookie = "tollgate_csrf=; max-age=0";
});
