import { runEmailBench } from './email-bench.js';

// npm run bench:email [emails] — needs the build (the script runs it first).
const emails = Number(process.argv[2] ?? 20_000);
const result = await runEmailBench({
  serverUrl: process.env.BENCH_DATABASE_URL,
  emails,
  log: (line) => console.log(line),
});
console.log('');
console.log(
  `broadcast: ${result.broadcastRecipients.toLocaleString('en-US')} recipients queued in ${result.broadcastSeconds.toFixed(2)} s`,
);
console.log(
  `parley: ${Math.round(result.parleyEmailsPerSecond).toLocaleString('en-US')} emails/s (${result.sent.toLocaleString('en-US')} sent, ${result.caseNotices.toLocaleString('en-US')} of them case notices)`,
);
console.log(`bare nodemailer loop: ${Math.round(result.bareEmailsPerSecond).toLocaleString('en-US')} emails/s`);
console.log(
  `target: ≥ 0.9× the bare loop and ≥ 300 emails/s: ${result.ratio >= 0.9 && result.parleyEmailsPerSecond >= 300 ? 'met' : 'NOT met'}`,
);
console.log(`ratio parley/bare: ${result.ratio.toFixed(2)}x`);
