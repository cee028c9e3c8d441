/**
 * `npm run test:faults`: the long fault scenarios (test/faults/): real processes killed, servers
 * stopped under load. Same real servers as `npm test` (see jest.config.js); `.ci/run` runs both.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
  testTimeout: 600000,
};
