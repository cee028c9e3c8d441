/** Tests run against real servers started once in globalSetup (see test/support/global-setup.ts). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Temporal SDK logs: WARN and above only (see the file).
  setupFiles: ['<rootDir>/test/support/temporal-logging.ts'],
  testTimeout: 120000,
};
