#!/usr/bin/env node
// prepack: makes the plugin folder hold what the published package needs beyond `npm run build`:
// - a copy of the Salesforce package (the repository's force-app) that `deploy` sends, without the files the
//   project's .forceignore denies (component tests, jest setup, editor configs);
// - no compiled file whose source is gone (tsc never deletes them, and `files` would publish them).
// `--remove` (postpack) deletes the force-app copy again.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ForceIgnore } from '@salesforce/source-deploy-retrieve';

const pluginRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(pluginRoot, '../force-app');
const target = resolve(pluginRoot, 'force-app');

const filesUnder = (dir) =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)],
  );

/** Outputs of a module tsc compiled (its source map names the source) whose source file is gone. */
function staleOutputs(map) {
  const { sources } = JSON.parse(readFileSync(map, 'utf8'));
  const compiledFrom = resolve(dirname(map), sources?.[0] ?? '');
  if (!compiledFrom.startsWith(join(pluginRoot, 'src')) || existsSync(compiledFrom)) return [];
  const base = map.slice(0, -'.js.map'.length);
  return [`${base}.js`, map, `${base}.d.ts`, `${base}.d.ts.map`];
}

rmSync(target, { recursive: true, force: true });
if (!process.argv.includes('--remove')) {
  if (!existsSync(source))
    throw new Error(`No package source at ${source}: pack the plugin from a checkout of the repository.`);
  const forceIgnore = ForceIgnore.findAndCreate(source);
  cpSync(source, target, { recursive: true, filter: (path) => path === source || forceIgnore.accepts(path) });
  for (const map of filesUnder(join(pluginRoot, 'lib')).filter((f) => f.endsWith('.js.map')))
    for (const file of staleOutputs(map)) rmSync(file, { force: true });
}
