/** @salesforce/apex: refreshApex works on any wired value here, as it does on LDS wires in Lightning. */
export { refreshWireValue as refreshApex } from './wireAdapter.js';
