import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the app and forwards /graphql to a locally running backend
// (DEALERNET_API, default http://127.0.0.1:8000), keeping cookies same-origin.
const api = process.env.DEALERNET_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/graphql': { target: api, changeOrigin: false } },
  },
});
