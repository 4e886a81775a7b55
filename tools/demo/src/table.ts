/** Plain-text rendering for the demo: a progress bar and a column-aligned table. */

export function progressBar(done: number, total: number, width = 28): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

/** Columns padded to their widest cell; cells wrap at `maxWidth` characters. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], maxWidth = 60): string {
  const wrapped = [headers, ...rows].map((row) => row.map((cell) => wrap(cell, maxWidth)));
  const widths = headers.map((_, c) =>
    Math.max(...wrapped.map((row) => Math.max(...(row[c] ?? ['']).map((l) => l.length)))),
  );
  const line = (cells: readonly string[][]) => {
    const height = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, i) =>
      cells
        .map((c, j) => (c[i] ?? '').padEnd(widths[j]!))
        .join('  ')
        .trimEnd(),
    ).join('\n');
  };
  const [head, ...body] = wrapped;
  return [line(head!), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let current = '';
    for (const word of paragraph.split(' ')) {
      if (current && current.length + word.length + 1 > width) {
        lines.push(current);
        current = word;
      } else current = current ? `${current} ${word}` : word;
    }
    lines.push(current);
  }
  return lines;
}
