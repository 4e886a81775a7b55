// Jest for the Lightning Web Components under force-app (sfdx-lwc-jest, CommonJS, jsdom).
// The TypeScript tests have their own config: test/jest.config.mjs.
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
  ...jestConfig,
  roots: ['<rootDir>/force-app'],
  setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv ?? []), '<rootDir>/force-app/test/jest.setup.js'],
};
