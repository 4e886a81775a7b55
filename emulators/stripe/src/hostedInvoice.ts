/** The page behind a finalized invoice's `hosted_invoice_url`: number, status, lines and amount due. */
import { Decimal } from 'decimal.js';
import type { Invoice } from './objects.js';

/**
 * Currencies whose amounts are whole units, as Stripe lists them (docs.stripe.com/currencies#zero-decimal).
 * The emulator keeps its own list rather than the product's (issue #14): a slip in one shows against the other.
 */
const ZERO_DECIMAL = new Set('bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '));

function formatAmount(minorUnits: number, currency: string): string {
  const places = ZERO_DECIMAL.has(currency) ? 0 : 2;
  return `${new Decimal(minorUnits).dividedBy(10 ** places).toFixed(places)} ${currency.toUpperCase()}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderHostedInvoice(invoice: Invoice): string {
  const rows = invoice.lines.data
    .map(
      (line) =>
        `<tr><td>${escapeHtml(line.description ?? line.pricing?.price_details?.price ?? line.id)}</td><td>${line.quantity}</td><td>${formatAmount(line.amount, line.currency)}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Invoice ${escapeHtml(invoice.number ?? invoice.id)}</title></head>
<body><main>
<h1>Invoice ${escapeHtml(invoice.number ?? invoice.id)}</h1>
<p>Status: <strong>${invoice.status}</strong></p>
<table><thead><tr><th>Item</th><th>Qty</th><th>Amount</th></tr></thead><tbody>${rows}</tbody></table>
<p>Amount due: <strong>${formatAmount(invoice.amount_due, invoice.currency)}</strong></p>
</main></body></html>
`;
}
