import smartasync from "smartasync/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [smartasync()],
  build: { outDir: "dist", sourcemap: true },
});
