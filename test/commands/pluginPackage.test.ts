// The published plugin carries exactly what its commands need at run time: the compiled modules the
// commands and the relay's entry point load (no more), their messages and JSON schemas, and the Salesforce
// package `deploy` sends — and nothing that only the tests, the demo or the browser check use.
// Reads `npm pack --dry-run --json` in plugin/ (which runs the prepack copy of force-app); needs `npm run build`.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { promisify } from 'node:util';

const PLUGIN = new URL('../../plugin/', import.meta.url).pathname;
const REPO = new URL('../../', import.meta.url).pathname;

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

/** Relative modules a compiled module loads (static and dynamic imports, re-exports, JSON). */
function localImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const specifiers = [...code.matchAll(/\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => posix.join(dirname(file), specifier));
}

/** Every compiled module reachable from the entry points, as package paths (`lib/…`). */
function runtimeClosure(entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!existsSync(file)) throw new Error(`${relative(PLUGIN, file)} is imported but not built: run npm run build`);
    if (file.endsWith('.js')) localImports(file).forEach(visit);
  };
  entries.forEach(visit);
  return new Set([...seen].map((file) => relative(PLUGIN, file)));
}

describe('the plugin package (npm pack)', () => {
  let packed: Set<string>;
  let needed: Set<string>;

  beforeAll(async () => {
    const commands = filesUnder(join(PLUGIN, 'lib/commands')).filter((f) => f.endsWith('.js'));
    needed = runtimeClosure([...commands, join(PLUGIN, 'lib/relay/main.js')]);
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts=false'], {
      cwd: PLUGIN,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    packed = new Set(pack.files.map((f) => f.path));
  }, 120_000);

  it('carries every compiled module the commands and the relay entry point load', () => {
    expect([...needed].filter((path) => !packed.has(path))).toEqual([]);
  });

  it("carries no compiled module they do not load (the demo, the Order page build, the emulators' servers)", () => {
    // A module of types only compiles to an empty one; its declarations are part of the package's types.
    const typesOnly = (path: string) =>
      /^export \{\};\s*(\/\/# sourceMappingURL=\S+)?\s*$/.test(readFileSync(join(PLUGIN, path), 'utf8'));
    const modules = [...packed].filter((path) => path.startsWith('lib/') && /\.(js|json)$/.test(path));
    expect(modules.filter((path) => !needed.has(path) && !typesOnly(path))).toEqual([]);
  });

  it('carries the messages and the JSON schema of every command', () => {
    for (const dir of ['messages', 'schemas']) {
      const expected = filesUnder(join(PLUGIN, dir)).map((file) => relative(PLUGIN, file));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.filter((path) => !packed.has(path))).toEqual([]);
    }
  });

  it('carries the Salesforce package deploy sends: every metadata file of force-app, without component tests', () => {
    const metadata = filesUnder(join(REPO, 'force-app/main'))
      .map((file) => relative(REPO, file))
      .filter((path) => !path.includes('/__tests__/') && !/(^|\/)(jsconfig|\.eslintrc)\.json$/.test(path));
    expect(metadata.length).toBeGreaterThan(100);
    expect(metadata.filter((path) => !packed.has(path))).toEqual([]);
    expect([...packed].filter((path) => path.startsWith('force-app/') && !metadata.includes(path))).toEqual([]);
  });

  it('lists just the shipped folders in `files`: no exclusion keeps anything out', () => {
    const { files } = JSON.parse(readFileSync(join(PLUGIN, 'package.json'), 'utf8')) as { files: string[] };
    expect(files).toEqual(['lib', 'force-app', 'messages', 'schemas']);
  });

  it('carries no emulator, demo or tool module, and no module that imports one of their packages', () => {
    expect([...packed].filter((path) => /^lib\/(emulators|demo|orderPage)\//.test(path))).toEqual([]);
    const importsWorkspaceTool = (path: string) => /['"]@stripe-cpq\//.test(readFileSync(join(PLUGIN, path), 'utf8'));
    expect([...packed].filter((path) => /^lib\/.*\.(js|d\.ts)$/.test(path) && importsWorkspaceTool(path))).toEqual([]);
  });

  it('carries no test, demo, browser-check or source file', () => {
    const testOnly = [...packed].filter((path) =>
      /(^|\/)(__tests__|test|src|bin|scripts)\/|\.test\.|^lib\/(demo|orderPage)\/|tsbuildinfo/.test(path),
    );
    expect(testOnly).toEqual([]);
  });

  it('leaves no copy of force-app in the checkout after packing', () => {
    expect(existsSync(join(PLUGIN, 'force-app'))).toBe(false);
  });
});
