/**
 * Builds the Order page card for a real browser with LWC OSS: rollup + @lwc/rollup-plugin compile
 * force-app's stripeOrderSync and the bundles it uses with lightning-base-components, and the platform modules
 * Lightning provides are resolved to the shims in ./shims (UI API over HTTP to the org) or generated
 * from force-app metadata (labels from CustomLabels, schema imports from their names).
 * Used by the browser test and by `npm run demo -- --serve`; rollup and the LWC compilers are root
 * devDependencies, so this runs in a checkout of the repo, not from an installed plugin.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import lwc from '@lwc/rollup-plugin';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replacePlugin from '@rollup/plugin-replace';
import { XMLParser } from 'fast-xml-parser';
import { rollup, type Plugin, type RollupCache } from 'rollup';

// tools/order-page/src (tests) and tools/order-page/lib (the built demo) both sit three levels down;
// the sources are always read from src, so both see the same inputs and share one build.
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SOURCE_DIR = join(REPO_ROOT, 'tools/order-page/src');
export const DIST_DIR = join(REPO_ROOT, 'tools/order-page/lib/dist');
export const PAGE_DIR = join(SOURCE_DIR, 'page');
const LWC_DIR = join(REPO_ROOT, 'force-app/main/default/lwc');
const LABELS_FILE = join(REPO_ROOT, 'force-app/main/default/labels/CustomLabels.labels-meta.xml');
const SHIMS_DIR = join(SOURCE_DIR, 'shims');
/** The card and the bundles it is made of (its child components and helpers): every bundle of force-app. */
const CARD_BUNDLES = readdirSync(LWC_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** Platform modules Lightning serves → the shim that plays them here. */
const PLATFORM_SHIMS: Record<string, string> = {
  'lightning/uiRecordApi': 'uiRecordApi.js',
  'lightning/uiRelatedListApi': 'uiRelatedListApi.js',
  'lightning/platformShowToastEvent': 'platformShowToastEvent.js',
  '@salesforce/apex': 'apex.js',
  '@salesforce/user/Id': 'userId.js',
};

const VIRTUAL = '\0platform:';
// The package's types are read as CommonJS under NodeNext (a `{ default }` namespace); at run time the ESM default is the plugin.
const replace = replacePlugin as unknown as typeof replacePlugin.default;

/** The org's custom labels (`c.<fullName>` → value), read from the package metadata. */
export function readCustomLabels(file = LABELS_FILE): Map<string, string> {
  const parsed = new XMLParser({ isArray: (name) => name === 'labels', parseTagValue: false }).parse(
    readFileSync(file, 'utf8'),
  ) as {
    CustomLabels?: { labels?: { fullName: string; value: string }[] };
  };
  return new Map((parsed.CustomLabels?.labels ?? []).map((label) => [`c.${label.fullName}`, String(label.value)]));
}

/** `@salesforce/label/c.X` and `@salesforce/schema/Object[.Field]` as generated modules; unknown labels fail the build. */
function platformModules(labels: Map<string, string>): Plugin {
  return {
    name: 'salesforce-platform-modules',
    resolveId(source) {
      const shim = PLATFORM_SHIMS[source];
      if (shim) return join(SHIMS_DIR, shim);
      // Base components bring their own labels (`@salesforce/label/LightningDatatable.…`); the org's are `c.`.
      if (source.startsWith('@salesforce/label/c.') || source.startsWith('@salesforce/schema/'))
        return VIRTUAL + source;
      return null;
    },
    load(id) {
      if (!id.startsWith(VIRTUAL)) return null;
      const source = id.slice(VIRTUAL.length);
      if (source.startsWith('@salesforce/label/')) {
        const name = source.slice('@salesforce/label/'.length);
        const value = labels.get(name);
        if (value === undefined)
          this.error(`${source}: no custom label ${name} in force-app's CustomLabels.labels-meta.xml; add it there.`);
        return `export default ${JSON.stringify(value)};`;
      }
      const [objectApiName, fieldApiName] = source.slice('@salesforce/schema/'.length).split('.');
      return `export default ${JSON.stringify(fieldApiName ? { objectApiName, fieldApiName } : { objectApiName })};`;
    },
  };
}

/**
 * Compiles page/main.js (the card and its page) to dist/orderPage.js; returns the build time in ms.
 * Rollup's module cache (dist/rollup-cache.json) lets a rebuild after a change to the card recompile only
 * what changed; it is dropped whenever this file or a compiler version changes.
 */
export async function buildOrderPage(outDir = DIST_DIR): Promise<number> {
  const started = performance.now();
  const cacheFile = join(outDir, 'rollup-cache.json');
  const toolchain = hashFiles(TOOLCHAIN_FILES);
  const previous = existsSync(cacheFile)
    ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as { toolchain: string; cache: RollupCache })
    : undefined;
  const bundle = await rollup({
    input: join(PAGE_DIR, 'main.js'),
    cache: previous?.toolchain === toolchain ? previous.cache : undefined,
    plugins: [
      platformModules(readCustomLabels()),
      lwc({
        rootDir: PAGE_DIR,
        exclude: [`${SHIMS_DIR}/**`],
        enableDynamicComponents: true, // lightning-datatable's sorting modal uses lwc:is
        modules: [
          ...CARD_BUNDLES.map((bundle) => ({ name: `c/${bundle}`, path: join(LWC_DIR, bundle, `${bundle}.js`) })),
          { npm: 'lightning-base-components' },
        ],
      }),
      replace({
        preventAssignment: true,
        values: { 'process.env.NODE_ENV': JSON.stringify('production'), 'import.meta.env.SSR': 'false' },
      }),
      nodeResolve({ rootDir: REPO_ROOT, browser: true }),
    ],
    onwarn(warning, warn) {
      // The base components' own template lint (duplicate slots, stray keys) is theirs, not the card's.
      if (warning.id?.includes('lightning-base-components') || warning.code === 'CIRCULAR_DEPENDENCY') return;
      warn(warning);
    },
  });
  try {
    rmSync(join(outDir, 'chunks'), { recursive: true, force: true });
    await bundle.write({
      dir: outDir,
      format: 'esm',
      entryFileNames: 'orderPage.js',
      chunkFileNames: 'chunks/[name]-[hash].js',
    });
    writeFileSync(cacheFile, JSON.stringify({ toolchain, cache: withoutSyntaxTrees(bundle.cache) }));
  } finally {
    await bundle.close();
  }
  return performance.now() - started;
}

/** The compiled code is what is worth keeping; rollup re-parses a module whose cached syntax tree is absent (a third of the size on disk). */
function withoutSyntaxTrees(cache: RollupCache | undefined): RollupCache | undefined {
  return (
    cache && {
      ...cache,
      modules: cache.modules?.map((module) => ({ ...module, ast: undefined as unknown as typeof module.ast })),
    }
  );
}

/** This build's code and the compilers it runs: a change to any of them invalidates everything built. */
const TOOLCHAIN_FILES = [
  join(SOURCE_DIR, 'build.ts'),
  ...['lwc', '@lwc/rollup-plugin', 'lightning-base-components', 'rollup'].map((name) =>
    join(REPO_ROOT, 'node_modules', name, 'package.json'),
  ),
];

/** What the page is built from: the card's bundles, the labels, the shims and the page. */
function sourceFiles(): string[] {
  return [
    ...CARD_BUNDLES.flatMap((bundle) =>
      readdirSync(join(LWC_DIR, bundle))
        .filter((f) => /\.(js|html|css)$/.test(f))
        .map((f) => join(LWC_DIR, bundle, f)),
    ),
    LABELS_FILE,
    ...readdirSync(SHIMS_DIR).map((f) => join(SHIMS_DIR, f)),
    join(PAGE_DIR, 'main.js'),
  ];
}

function hashFiles(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort())
    hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/**
 * Builds the page unless dist/ already holds a build of the same inputs (compiling the base components
 * takes tens of seconds of CPU). Returns whether it built, and how long it took.
 */
export async function ensureOrderPageBuilt(outDir = DIST_DIR): Promise<{ built: boolean; ms: number }> {
  const stampFile = join(outDir, 'inputs.sha256');
  const inputs = hashFiles([...TOOLCHAIN_FILES, ...sourceFiles()]);
  if (existsSync(stampFile) && existsSync(join(outDir, 'orderPage.js')) && readFileSync(stampFile, 'utf8') === inputs)
    return { built: false, ms: 0 };
  mkdirSync(outDir, { recursive: true });
  const ms = await buildOrderPage(outDir);
  writeFileSync(stampFile, inputs);
  return { built: true, ms };
}
