/**
 * Request parameters as stripe-node sends them: `application/x-www-form-urlencoded` bodies (and query strings
 * for GET/DELETE) with bracket keys, `metadata[sfId]=…`, `phases[0][items][1][price]=…`. Decoded with qs, with
 * limits wide enough that 20-item phases and 50-key metadata stay arrays and objects.
 */
import qs from 'qs';

const QS_OPTIONS: qs.IParseOptions = { arrayLimit: 1000, depth: 20, parameterLimit: 10_000, allowPrototypes: false };

export type FormParams = Record<string, unknown>;

export function decodeForm(text: string): FormParams {
  return text ? (qs.parse(text, QS_OPTIONS) as FormParams) : {};
}
