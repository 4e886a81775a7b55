/**
 * A custom label with placeholders, filled: `formatLabel('{0} off', '10%')` is "10% off". Labels carry `{0}`, `{1}` …
 * so that translations may put the values where their language wants them.
 */
export function formatLabel(label, ...values) {
  return values.reduce((text, value, i) => text.replace(`{${i}}`, value), label);
}
