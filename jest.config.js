/** Jest runs the TypeScript sources directly; type checking is `npm run typecheck`'s job. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  // The Functions host provides this module at run time; the local host stands in for it.
  moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/local/host/functionsCore.ts' },
  testTimeout: 60000,
};
