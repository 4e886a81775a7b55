// Jest for everything outside the LWC bundles: TypeScript ES modules through ts-jest.
// Type checking is `npm run typecheck`'s job, so ts-jest only transpiles (isolatedModules in tsconfig).
export default {
  rootDir: '..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }] },
  testTimeout: 60_000,
};
