import { defineConfig } from "vitest/config";

// The end-to-end suite: a real Chromium (the OS's, headless, through playwright-core) against a
// platform started by scripts/platform.sh, whose `env` output it reads from the environment.
// Run by the e2e module's PortalE2ETest; by hand: eval "$(scripts/platform.sh env)" and npm run e2e.
export default defineConfig({
  test: {
    environment: "node",
    include: ["e2e/**/*.e2e.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
