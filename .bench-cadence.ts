import { nextOccurrence } from "/work/main/src/cadence/next";
import { localToInstant, localDate, addDays } from "/work/main/src/cadence/zone";
import type { Cadence } from "/work/main/src/cadence/parse";
const zones = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"];
function bench(name: string, c: Cadence, n = 30000) {
  for (const zone of zones) {
    let t = Date.UTC(2026, 0, 1);
    const ctx = { zone, anchor: "2026-01-01", phase: 1 };
    nextOccurrence(c, t, ctx);
    const s = performance.now();
    for (let i = 0; i < n; i++) t = nextOccurrence(c, t, ctx) as number;
    console.log(name, zone, Math.round(n / ((performance.now() - s) / 1000)), "ops/s");
  }
}
bench("daily", { kind: "daily", at: { hour: 2, minute: 30 } });
bench("weekly", { kind: "weekly", days: [1, 4], at: { hour: 18, minute: 30 } });
bench("every", { kind: "every", days: 3, at: { hour: 2, minute: 30 } });
bench("grad", { kind: "graduated", at: { hour: 2, minute: 30 } });
bench("cron", { kind: "cron", expr: "0 20 * * 1-5" });
// own daily path
for (const zone of zones) {
  let t = Date.UTC(2026, 0, 1); const at = { hour: 2, minute: 30 };
  const s = performance.now();
  for (let i = 0; i < 30000; i++) { let d = localDate(t, zone); let x = localToInstant(d, at, zone); if (x <= t) x = localToInstant(addDays(d, 1), at, zone); t = x; }
  console.log("own daily", zone, Math.round(30000 / ((performance.now() - s) / 1000)));
}
