import { runCalendarBench } from './calendar-bench.js';

const count = Number(process.argv[2] ?? 1_000_000);
const result = runCalendarBench(count);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`starts:                 ${fmt(result.starts)} (2026–2027, same for both)`);
console.log(
  `build one calendar:     ${result.buildMs.toFixed(2)} ms cold (loads holiday data and zone offsets), ${result.warmBuildMs.toFixed(2)} ms warm (first 256-day table)`,
);
console.log(
  `memory per calendar:    ${fmt(result.bytesPerCalendar)} bytes of day tables for ${fmt(result.daysCached)} cached days (zone offsets are shared per zone)`,
);
console.log(`parley addBusinessDays: ${fmt(result.parleyOpsPerSecond)} ops/s (US-CA holidays, America/Los_Angeles)`);
console.log(`date-fns addBusinessDays: ${fmt(result.dateFnsOpsPerSecond)} ops/s (no holidays, no time zone)`);
console.log(`ratio parley/date-fns: ${result.ratio.toFixed(2)}x`);
