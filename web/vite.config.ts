// The browser app's build: web/ → dist/web (scripts/build.mjs sets the output folder), served by
// the Kefu server at `/`. `npx vite web` serves it in development with /api and /sip proxied to a node.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const node = process.env.KEFU_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        // The libraries change less often than the app: their files stay cached across releases.
        manualChunks: (id) => (id.includes('node_modules/echarts') || id.includes('node_modules/zrender') ? 'echarts' : id.includes('node_modules') ? 'vendor' : undefined),
      },
    },
  },
  // /sip: the desktop's softphone (SIP over WebSocket); the Host header is kept, so its login cookie counts.
  server: { proxy: { '/api': { target: node, ws: true }, '/sip': { target: node, ws: true } } },
});
