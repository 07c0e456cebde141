import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
const chrome = await chromeLauncher.launch({ chromePath: "/usr/bin/chromium", chromeFlags: ["--headless=new", "--no-sandbox"] });
for (let k = 0; k < 3; k++) {
const r = await lighthouse("http://127.0.0.1:8766/carte/", { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"], throttling: { cpuSlowdownMultiplier: 3.96 } });
const ev = r.artifacts.traces.defaultPass.traceEvents;
const nav = ev.find(e => e.name === "navigationStart")?.ts || 0;
console.log("TBT", Math.round(r.lhr.audits["total-blocking-time"].numericValue), "FCP", Math.round(r.lhr.audits["first-contentful-paint"].numericValue));
for (const t of ev.filter(e => e.name === "RunTask" && e.dur > 20000 && e.ts - nav > 100000)) {
  const inside = ev.filter(e => e.tid === t.tid && e.ts >= t.ts && e.ts <= t.ts + t.dur && e.dur > 1500 && e.name !== "RunTask" && !e.name.startsWith("v8"));
  console.log("--", Math.round((t.ts-nav)/1000), Math.round(t.dur/1000), inside.map(e => `${e.name}${e.args?.data?.url ? "(" + e.args.data.url.replace(/.*\//,"") + ":" + (e.args.data.lineNumber??"") + ")" : ""} ${Math.round(e.dur/1000)}${e.args?.beginData?.stackTrace ? " <" + e.args.beginData.stackTrace.slice(0,2).map(s=>s.functionName).join("<") : ""}`).join(" | "));
}
}
await chrome.kill();
