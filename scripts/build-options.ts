/**
 * How ward is bundled: shared by the build (scripts/build.ts) and the benchmarks that build
 * variants of it, so a benchmark measures exactly what ships.
 */
import type { BuildOptions } from 'esbuild';

export function wardBuildOptions(version: string): BuildOptions {
  return {
    entryPoints: { cli: 'src/cli/main.ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    // Bundled CommonJS code calls require(); give ESM chunks one.
    banner: { js: "import { createRequire as __wardCreateRequire } from 'node:module'; const require = __wardCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    sourcesContent: false,
    define: { __WARD_VERSION__: JSON.stringify(version) },
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  };
}
