export default async function globalTeardown() {
  await globalThis.parleyTestPostgres?.stop();
}
