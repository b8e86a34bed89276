import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Writes `<file>.br` and `<file>.gz` beside every text asset of the build. The server sends them
 * with `Content-Encoding` as the browser accepts (@fastify/static `preCompressed`), so compressing
 * costs nothing per request and brotli can run at its best (slowest) level.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'liandong-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const file of walk(outDir)) {
        if (!/\.(js|mjs|css|html|svg|json|txt|map)$/.test(file)) continue;
        const body = readFileSync(file);
        const br = brotliCompressSync(body, {
          params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT },
        });
        const gz = gzipSync(body, { level: 9 });
        // A tiny file may not shrink: then the server sends it as it is.
        if (br.length < body.length) writeFileSync(`${file}.br`, br);
        if (gz.length < body.length) writeFileSync(`${file}.gz`, gz);
      }
    },
  };
}

/**
 * The plaza is the page signed-in users open at: its chunk, and the chunks it imports, are
 * requested with the entry's (`<link rel="modulepreload">`, added by a script for /plaza only and
 * only with a session) instead of after the entry has run. Elsewhere nothing changes.
 */
function preloadFirstPage(): Plugin {
  return {
    name: 'liandong-preload-plaza',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return;
        const chunks = Object.values(bundle).flatMap((c) => (c.type === 'chunk' ? [c] : []));
        const page = chunks.find((c) => c.facadeModuleId?.endsWith('/features/plaza/PlazaPage.tsx'));
        if (!page) return;
        const entry = chunks.find((c) => c.isEntry);
        const loaded = new Set<string>();
        const walk = (name: string, into: Set<string>) => {
          if (into.has(name)) return;
          into.add(name);
          const chunk = bundle[name];
          if (chunk?.type === 'chunk') for (const i of chunk.imports) walk(i, into);
        };
        if (entry) walk(entry.fileName, loaded);
        const files = new Set<string>();
        walk(page.fileName, files);
        const list = [...files].filter((f) => !loaded.has(f)).map((f) => `/${f}`);
        // Before the stylesheets: an inline script after a stylesheet waits until it has loaded.
        const script = `<script>(function(){try{if(location.pathname!=='/plaza'||!localStorage.getItem('liandong.token'))return;${JSON.stringify(list)}.forEach(function(h){var l=document.createElement('link');l.rel='modulepreload';l.href=h;document.head.appendChild(l)})}catch(e){}})();</script>`;
        return html.replace('<script type="module"', `${script}\n    <script type="module"`);
      },
    },
  };
}

/**
 * The first screens' Ant Design styles as a CSS file made at build time (scripts/first-screen-css.mjs),
 * linked from index.html before the app's own styles: Ant Design finds them there and skips writing
 * them at run time. In development styles are written at run time as before.
 */
function firstScreenCss(): Plugin {
  let fileName = '';
  let css = '';
  return {
    name: 'liandong-first-screen-css',
    apply: 'build',
    buildStart() {
      const script = new URL('./scripts/first-screen-css.mjs', import.meta.url).pathname;
      css = execFileSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      fileName = `assets/antd-${createHash('sha256').update(css).digest('hex').slice(0, 10)}.css`;
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName, source: css });
    },
    transformIndexHtml: {
      order: 'post',
      // After the early requests' script (index.html), which would otherwise wait for this file, and
      // before the app's own styles, which override Ant Design's in places.
      handler: (html) => {
        const link = `<link rel="stylesheet" href="/${fileName}">`;
        const at = html.indexOf('<link rel="stylesheet"');
        return at < 0 ? html.replace('</head>', `  ${link}\n  </head>`) : `${html.slice(0, at)}${link}\n    ${html.slice(at)}`;
      },
    },
  };
}

// The server serves dist/ in production (app.ts registerWebApp); in development the API is proxied.
export default defineConfig({
  plugins: [react(), firstScreenCss(), preloadFirstPage(), precompress()],
  server: {
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:8080', '/open311': 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Pages are loaded on demand (React.lazy in App.tsx) and take the Ant Design components they
        // use with them: grouping all of antd (or all of node_modules) into one chunk made the first
        // page load every component of every page. Only libraries every page needs (React) and the
        // one heavy library of the maps (ECharts, loaded when a map is shown) have chunks of their
        // own, so that app changes do not invalidate them in caches.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 30 },
            // What the signed-in shell (header, menu, bell, drawer) and every page need: Ant Design's
            // style engine, utilities and the shell's components, React Query, i18next and dayjs, as
            // one chunk instead of some thirty small ones (each a request of its own, with headers,
            // over the browser's six connections, and compressed alone).
            {
              name: 'base',
              test: /node_modules[\\/](@ant-design[\\/](cssinjs|cssinjs-utils|colors|fast-color|icons-svg|icons[\\/]es[\\/](components|utils|icons[\\/](BellOutlined|MenuOutlined|GlobalOutlined|UserOutlined|CheckOutlined|LogoutOutlined|LoadingOutlined|CloseOutlined|LeftOutlined|RightOutlined|DownOutlined|SearchOutlined|CheckCircleFilled|CloseCircleFilled|ExclamationCircleFilled|InfoCircleFilled)))|@rc-component|rc-util|rc-motion|rc-resize-observer|rc-overflow|rc-menu|rc-dropdown|rc-drawer|rc-pagination|rc-select|rc-virtual-list|rc-field-form|rc-input|rc-textarea|classnames|@babel[\\/]runtime|@tanstack|i18next|react-i18next|html-parse-stringify|void-elements|dayjs|stylis|@emotion|antd[\\/]es[\\/](_util|theme|config-provider|locale|style|version|form|space|button|spin|typography|tag|empty|dropdown|menu|tooltip|layout|badge|avatar|drawer|list|grid|row|col|app|message|notification|modal|watermark|pagination|select|input|checkbox|radio|segmented|divider|skeleton|popover|popconfirm))[\\/]/,
              priority: 20,
            },
            // Tabs (event detail, administration) would otherwise share a chunk with Card and Alert,
            // which the plaza loads too.
            { name: 'tabs', test: /node_modules[\\/](rc-tabs|antd[\\/]es[\\/]tabs)[\\/]/, priority: 15 },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
});
