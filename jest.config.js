// Unit specs live next to the code (src/, *.spec.ts); HTTP specs against a real PostgreSQL in test/ (*.e2e-spec.ts).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  // libphonenumber-js's ESM build imports JSON without an import attribute, which Jest warns about on every import: use its CommonJS build.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^libphonenumber-js$': '<rootDir>/node_modules/libphonenumber-js/index.cjs',
  },
  transform: { '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/{lib,src,config}/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.mjs',
  globalTeardown: '<rootDir>/test/global-teardown.mjs',
  testTimeout: 30000,
  // Tests within a file run in a random order (the seed is printed), so none can lean on another having run first.
  randomize: true,
  maxWorkers: process.env.CI ? 2 : '50%',
};
