// Jest loads this file natively, without ts-jest's module mapping, so the TypeScript it needs is loaded through tsx.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { setUpTestPostgres } = await tsImport('./support/test-postgres.ts', import.meta.url);
  globalThis.parleyTestPostgres = await setUpTestPostgres();
}
