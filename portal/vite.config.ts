/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

// Built into dist/, which the control plane serves at / (hashed files under assets/ are immutable).
// `npm run dev` proxies the API to a control plane on 8090 (TOLLGATE_CONTROL_PLANE_URL to change it).
export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: { outDir: "dist", assetsDir: "assets", emptyOutDir: true },
  server: {
    proxy: { "/api": process.env.TOLLGATE_CONTROL_PLANE_URL ?? "http://127.0.0.1:8090" },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
    testTimeout: 20000, // above the five-second waits of test-setup.ts, for a loaded build machine
  },
});
