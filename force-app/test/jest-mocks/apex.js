// `@salesforce/apex` for every component test (mapped in jest.config.js): the cards re-read their wires with
// refreshApex, which resolves at once here; tests assert what was refreshed through the mock's calls.
module.exports = { refreshApex: jest.fn(() => Promise.resolve()) };
