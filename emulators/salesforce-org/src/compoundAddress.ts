/**
 * Compound address fields (`BillingAddress`): never stored, read from their parts and returned as one
 * object — `{ city, country, geocodeAccuracy, latitude, longitude, postalCode, state, street }`, or null
 * when every part is empty (Object Reference, "Address Compound Fields"; the recordings hold
 * `Order.BillingAddress` in this shape).
 */
import type { FieldDef } from 'plugin-stripe-cpq/lib/cpqSchema/schema.js';
import type { SObjectRecord } from 'plugin-stripe-cpq/lib/cpqSchema/store.js';

const PARTS = {
  city: 'City',
  country: 'Country',
  geocodeAccuracy: 'GeocodeAccuracy',
  latitude: 'Latitude',
  longitude: 'Longitude',
  postalCode: 'PostalCode',
  state: 'State',
  street: 'Street',
} as const;

/** The value of `field` on `record` as the API returns it: the compound object for an address, the stored value otherwise. */
export function fieldValue(record: SObjectRecord, field: FieldDef): unknown {
  if (field.type !== 'address') return record[field.name] ?? null;
  const prefix = field.name.replace(/Address$/, '');
  const address = Object.fromEntries(
    Object.entries(PARTS).map(([key, part]) => [key, record[`${prefix}${part}`] ?? null]),
  );
  return Object.values(address).every((v) => v === null) ? null : address;
}
