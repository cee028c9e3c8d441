/**
 * `npm run fixtures:histories`: records the workflow histories that `npm test` replays
 * (test/replay/record-histories.ts; see the README, "Changing a workflow safely").
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: ['<rootDir>/test/replay/record-histories.ts'],
  testTimeout: 600000,
};
