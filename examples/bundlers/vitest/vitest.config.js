import smartasync from "smartasync/vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [smartasync()],
});
