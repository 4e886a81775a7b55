/**
 * Product2 → Stripe Product (spec §2.4): created even when the product has no data beyond its name;
 * a linked product is reused, and updated only with `updateProductOnSync` when a mapped value differs.
 * Metered products also get a Billing Meter (today's API needs one for every metered price).
 */
import type Stripe from 'stripe';
import { containedIn } from '../plan/compare.js';
import type { PlanningContext } from '../plan/context.js';
import { idempotencyKey } from '../plan/idempotency.js';
import { applyMappings, toNestedParams } from '../mappings/mappings.js';
import {
  mappedMetadata,
  metadataPaths,
  metadataProblems,
  metadataUpdate,
  recordMetadata,
} from '../mappings/metadata.js';
import type { Product2 } from '../records/models.js';
import { isRef, ref, type Ref } from '../plan/plan.js';
import { recordRef } from '../records/records.js';
import { toId18 } from '../records/salesforceIds.js';

export function productParams(product: Product2, ctx: PlanningContext): Stripe.ProductCreateParams {
  const { fields } = applyMappings('product', product, ctx.index, ctx.sync.mappings);
  const params = toNestedParams(fields, metadataPaths(fields)) as unknown as Stripe.ProductCreateParams;
  return {
    ...params,
    name: params.name ?? product.Name,
    metadata: { ...recordMetadata(recordRef('Product2', product.Id), ctx.sync), ...mappedMetadata(fields) },
  };
}

/** The Stripe product for a Product2: an existing id, or the reference of a planned create. */
export function planProduct(product: Product2, ctx: PlanningContext): string | Ref {
  const source = recordRef('Product2', product.Id);
  const params = productParams(product, ctx);
  const problem = metadataProblems(params.metadata as Record<string, string>, source, 'product')[0];
  if (problem) throw problem;
  const linkedId = product.Stripe_ID__c ?? undefined;
  const linked = linkedId ? ctx.state.products?.[linkedId] : undefined;
  if (linked && linkedId) {
    const update: Stripe.ProductUpdateParams | undefined =
      ctx.sync.settings.features.updateProductOnSync && !containedIn(params, linked)
        ? (params as Stripe.ProductUpdateParams)
        : metadataUpdate(linked.metadata, recordMetadata(source, ctx.sync));
    if (update && !ctx.plan.has(ref('product', source.id))) {
      ctx.plan.add({
        op: 'products.update',
        ref: ref('product', source.id),
        id: linkedId,
        params: update,
        idempotencyKey: idempotencyKey(ctx.sync.orgId, product, 'products.update'),
        source,
      });
    }
    return linkedId;
  }
  const productRef = ref('product', source.id);
  if (!ctx.plan.has(productRef)) {
    ctx.plan.add({
      op: 'products.create',
      ref: productRef,
      params,
      idempotencyKey: idempotencyKey(ctx.sync.orgId, product, 'products.create'),
      source,
    });
    ctx.plan.writeBack(source, { Stripe_ID__c: productRef }, product);
  }
  return productRef;
}

/**
 * Decision (spec §6 q29): one Billing Meter per metered Product2, event name `sf_<Product2 Id>`, summing
 * the event payload's `value` for the customer in `stripe_customer_id`. Usage is reported as meter
 * events with that name. An existing meter with the name is reused.
 */
export function meterEventName(product: Product2): string {
  return `sf_${toId18(product.Id)}`;
}

/** The meter of a metered product: an active meter with its event name, or the reference of one to create. */
export function meterFor(product: Product2, ctx: PlanningContext): string | Ref {
  const eventName = meterEventName(product);
  const existing = ctx.state.meters?.find((m) => m.event_name === eventName && m.status === 'active');
  return existing ? existing.id : ref('meter', recordRef('Product2', product.Id).id);
}

/** Plans the meter's creation when `meterFor` named one still to create; returns the meter. */
export function planMeter(product: Product2, ctx: PlanningContext): string | Ref {
  const meter = meterFor(product, ctx);
  if (!isRef(meter) || ctx.plan.has(meter)) return meter;
  ctx.plan.add({
    op: 'billing.meters.create',
    ref: meter,
    params: {
      display_name: product.Name.slice(0, 250),
      event_name: meterEventName(product),
      default_aggregation: { formula: 'sum' },
      customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
      value_settings: { event_payload_key: 'value' },
    },
    idempotencyKey: idempotencyKey(ctx.sync.orgId, product, 'billing.meters.create'),
    source: recordRef('Product2', product.Id),
  });
  return meter;
}
