/**
 * Code comments and docs cite the reference product's specification as "spec §2.6.3" (or a range,
 * "spec §3.3–3.4"); the specification ships in docs/reference-spec.md, so every section cited anywhere in the
 * repository must be one of its headings or numbered rule labels.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const SPEC_PATH = join(ROOT, 'docs', 'reference-spec.md');
const SPEC = readFileSync(SPEC_PATH, 'utf8');
/** Where the repository's own text is: every workspace, the tests, the benchmarks, scripts and docs. */
const CITING = ['plugin/src', 'plugin/scripts', 'emulators', 'tools', 'test', 'bench', 'scripts', 'force-app', 'docs'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'lib' ? [] : sourceFiles(path);
    return /\.(ts|js|mjs|html|md)$/.test(entry.name) && path !== SPEC_PATH ? [path] : [];
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
  it('defines every section a comment or document anywhere in the repository cites', () => {
    const defined = definedSections();
    const cited = new Map<string, string>();
    const files = [join(ROOT, 'README.md'), ...CITING.flatMap((dir) => sourceFiles(join(ROOT, dir)))];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/spec(?:ification)?(?:'s)? §(\d+(?:\.\d+)*)(?:[–-](\d+(?:\.\d+)*))?/gi))
        for (const id of match.slice(1)) if (id) cited.set(id, file);
    }
    expect(cited.size).toBeGreaterThan(20);
    const unresolved = [...cited].filter(([id]) => !defined.has(id)).map(([id, file]) => `§${id} (${file})`);
    expect(unresolved).toEqual([]);
  });
});
