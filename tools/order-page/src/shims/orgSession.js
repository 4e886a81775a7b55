/**
 * The org the page talks to, as Lightning would: the UI API of the org emulator over HTTP with the
 * session's bearer token. The page server writes the session into the page (#org-session).
 */
const session = JSON.parse(document.getElementById('org-session').textContent);

export const userId = session.userId;

/** A UI API call; a failed one rejects with the FetchResponse shape LDS gives components ({ status, statusText, body }). */
export async function uiApi(method, path, body) {
  const response = await fetch(`${session.instanceUrl}/services/data/v${session.apiVersion}/ui-api${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${session.accessToken}`,
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw { ok: false, status: response.status, statusText: response.statusText, body: json };
  return json;
}

/** `Order.Name` or a schema import ({ objectApiName, fieldApiName }) → `Order.Name`. */
export function qualifiedField(field) {
  return typeof field === 'string' ? field : `${field.objectApiName}.${field.fieldApiName}`;
}

export function queryString(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    search.set(name, Array.isArray(value) ? value.map(qualifiedField).join(',') : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
