import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
// `npm run dev` talks to a `roost serve` already running here.
const backend = process.env.ROOST_DEV_BACKEND ?? "http://127.0.0.1:8000";

export default defineConfig({
  root,
  // Relative asset URLs: the page's <base> (built from the injected root path) resolves them,
  // so one build works under any mount path.
  base: "./",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      "/api": backend,
      "/jobstats": backend,
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
