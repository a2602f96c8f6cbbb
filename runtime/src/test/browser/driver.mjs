// A real browser for the page tests: Debian's chromium, driven by playwright-core, one command per
// line on standard input, one JSON answer per line on standard output:
//   {"id": 1, "op": "goto", "url": "http://127.0.0.1:…/?token=…"}      → the HTTP status
//   {"id": 2, "op": "waitFor", "expr": "…JS…", "timeoutMs": 30000}       → the expression's first truthy value
//                                                                        (looked at every 50 ms)
//   {"id": 3, "op": "eval", "expr": "…JS…"}                               → its value
//   {"id": 4, "op": "screenshot", "path": "…png", "selector": "#pod"}   → the path (the whole page without a selector)
//   {"id": 5, "op": "close"}
// Answers are {"id", "ok": true, "value"} or {"id", "ok": false, "error"}. It ends with its standard
// input, closing the browser. The flags keep chromium off every network but loopback.
import { chromium } from "playwright-core";
import { createInterface } from "node:readline";

const browser = await chromium.launch({
  executablePath: process.env.PODSHIM_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps"],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
const page = await context.newPage();
const consoleErrors = [];
page.on("pageerror", e => consoleErrors.push(String(e)));

function answer(id, ok, value) {
  process.stdout.write(JSON.stringify(ok ? { id, ok, value } : { id, ok, error: value }) + "\n");
}

async function run(command) {
  switch (command.op) {
    case "goto": {
      const response = await page.goto(command.url, { waitUntil: "load" });
      return response ? response.status() : null;
    }
    case "waitFor": {
      // Evaluated from outside the page, as eval is: the page's own policy forbids eval inside it
      // (playwright's waitForFunction polls with it), and the page must be tested under that policy.
      const deadline = Date.now() + (command.timeoutMs || 30000);
      let value;
      while (!(value = await page.evaluate(command.expr))) {
        if (Date.now() > deadline) {
          throw new Error("not so within " + (command.timeoutMs || 30000) + " ms: " + command.expr);
        }
        await new Promise(resolve => setTimeout(resolve, 50));
      }
      return value;
    }
    case "eval":
      return await page.evaluate(command.expr);
    case "screenshot":
      if (command.selector) {
        await page.locator(command.selector).screenshot({ path: command.path });
      } else {
        await page.screenshot({ path: command.path, fullPage: true });
      }
      return command.path;
    case "errors":
      return consoleErrors;
    default:
      throw new Error("no such op: " + command.op);
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let command;
  try {
    command = JSON.parse(line);
  } catch (e) {
    answer(null, false, "not JSON: " + line);
    continue;
  }
  if (command.op === "close") {
    answer(command.id, true, null);
    break;
  }
  try {
    answer(command.id, true, await run(command));
  } catch (e) {
    answer(command.id, false, String(e && e.message || e).split("\n").slice(0, 6).join("\n"));
  }
}
await browser.close();
