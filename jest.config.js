// Jest for the Lightning Web Components under force-app (sfdx-lwc-jest, CommonJS, jsdom).
// The TypeScript tests have their own config: test/jest.config.mjs.
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

module.exports = {
  ...jestConfig,
  roots: ['<rootDir>/force-app'],
  // Shared mocks of the platform modules sfdx-lwc-jest does not stub, one copy for every test (as lwc-recipes).
  moduleNameMapper: {
    ...jestConfig.moduleNameMapper,
    '^@salesforce/apex$': '<rootDir>/force-app/test/jest-mocks/apex',
  },
  setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv ?? []), '<rootDir>/force-app/test/jest.setup.js'],
};
