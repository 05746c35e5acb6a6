import smartasync from "smartasync/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [smartasync()],
  build: { ssr: "src/main.ts", outDir: "dist", sourcemap: true },
});
