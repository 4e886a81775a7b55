/**
 * What LDS does for the card's wires, small: an adapter fetches when its config is complete, emits
 * { data, error }, and can be refreshed (refreshApex on the value it emitted, or a record update notice).
 */
const adapterOfValue = new WeakMap();
const connected = new Set();

/** A wire adapter class whose `load(config)` returns the data; `isReady(config)` waits for reactive params. */
export function createWireAdapter({ load, isReady }) {
  return class UiApiWireAdapter {
    constructor(dataCallback) {
      this.dataCallback = dataCallback;
    }

    connect() {
      connected.add(this);
    }

    disconnect() {
      connected.delete(this);
    }

    update(config) {
      this.config = config;
      if (isReady(config)) this.refresh();
    }

    async refresh() {
      const config = this.config;
      let value;
      try {
        value = { data: await load(config), error: undefined };
      } catch (error) {
        value = { data: undefined, error };
      }
      if (config !== this.config) return; // a newer config already asked
      adapterOfValue.set(value, this);
      this.dataCallback(value);
    }
  };
}

/** refreshApex: re-fetches the wire that emitted `value`. */
export function refreshWireValue(value) {
  const adapter = value && adapterOfValue.get(value);
  return adapter ? adapter.refresh() : Promise.resolve();
}

/** Re-fetches every connected wire whose config names one of `recordIds`. */
export function refreshWiresOfRecords(recordIds, configRecordId) {
  const ids = new Set(recordIds);
  return Promise.all(
    [...connected]
      .filter((adapter) => adapter.config && ids.has(configRecordId(adapter.config)))
      .map((adapter) => adapter.refresh()),
  );
}
