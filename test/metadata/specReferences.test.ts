/**
 * Code comments cite the reference product's specification as "spec §2.6.3"; the specification ships in
 * docs/reference-spec.md, so every section cited must be one of its headings or numbered rule labels.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const SPEC = readFileSync(join(ROOT, 'docs', 'reference-spec.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'lib' ? [] : sourceFiles(path);
    return /\.(ts|js)$/.test(entry.name) ? [path] : [];
  });
}

/** The section ids the specification defines: `## 2.`, `### 2.6`, `**[SRC] 2.6.3 …**`, and §6's numbered questions (`6.17`). */
function definedSections(): Set<string> {
  const ids = new Set<string>();
  for (const match of SPEC.matchAll(/^#{2,3} (\d+(?:\.\d+)*)\.? /gm)) ids.add(match[1]!);
  for (const match of SPEC.matchAll(/^\*\*(?:\[[A-Z +—-]+\] )?(\d+\.\d+\.\d+) /gm)) ids.add(match[1]!);
  const questions = SPEC.slice(SPEC.indexOf('\n## 6.'), SPEC.indexOf('\n## 7.'));
  for (const match of questions.matchAll(/^(\d+)\. \*\*/gm)) ids.add(`6.${match[1]}`);
  return ids;
}

describe('the specification the code cites', () => {
  it('defines every section a comment in the plugin, the tests or the Order page cites', () => {
    const defined = definedSections();
    const cited = new Map<string, string>();
    for (const file of [
      ...sourceFiles(join(ROOT, 'plugin', 'src')),
      ...sourceFiles(join(ROOT, 'test')),
      ...sourceFiles(join(ROOT, 'force-app')),
    ]) {
      for (const match of readFileSync(file, 'utf8').matchAll(/spec §(\d+(?:\.\d+)*)/gi)) cited.set(match[1]!, file);
    }
    expect(cited.size).toBeGreaterThan(20);
    const unresolved = [...cited].filter(([id]) => !defined.has(id)).map(([id, file]) => `§${id} (${file})`);
    expect(unresolved).toEqual([]);
  });
});
