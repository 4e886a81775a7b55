// Jest for everything outside the LWC bundles: TypeScript ES modules through ts-jest.
// Type checking is `npm run typecheck`'s job, so ts-jest only transpiles (isolatedModules in tsconfig).
export default {
  rootDir: '..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  // Workspace packages are imported by name; the tests run their TypeScript sources, not their builds.
  moduleNameMapper: {
    '^plugin-stripe-cpq/lib/(.*)\\.js$': '<rootDir>/plugin/src/$1',
    '^@stripe-cpq/salesforce-org-emulator$': '<rootDir>/emulators/salesforce-org/src/index.ts',
    '^@stripe-cpq/salesforce-org-emulator/(.*)\\.js$': '<rootDir>/emulators/salesforce-org/src/$1',
    '^@stripe-cpq/stripe-emulator$': '<rootDir>/emulators/stripe/src/index.ts',
    '^@stripe-cpq/stripe-emulator/(.*)\\.js$': '<rootDir>/emulators/stripe/src/$1',
    '^@stripe-cpq/order-page/(.*)\\.js$': '<rootDir>/tools/order-page/src/$1',
    '^@stripe-cpq/demo/(.*)\\.js$': '<rootDir>/tools/demo/src/$1',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }] },
  testTimeout: 60_000,
};
