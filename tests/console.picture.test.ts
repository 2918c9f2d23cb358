/**
 * Pictures on the console: a reply or an outbox message carrying a picture writes the PNG into the
 * pictures folder (created if missing), named by the virtual clock and never over another file,
 * and prints its path with the caption and the description.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createVirtualClock } from "../adapters/console/clock";
import { createConsoleCourier } from "../adapters/console/courier";
import { groupChat } from "../adapters/console/identity";
import { ConsoleScreen } from "../adapters/console/screen";
import { rich } from "../src/richtext";
import { imageAttachment, type Reply } from "../src/types";
import { tinyPng } from "./support/png";

const PNG = tinyPng();
const ALT = "#1 Walk: kept 3 of the last 4 weeks' check-ins; consistency 75";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function setup() {
  const root = mkdtempSync(join(tmpdir(), "amends-pictures-"));
  dirs.push(root);
  const dir = join(root, "pictures");
  const clock = createVirtualClock(Date.parse("2026-11-29T11:00:00Z"));
  const lines: string[] = [];
  const screen = new ConsoleScreen({ write: (c: string) => lines.push(c) }, { pictures: { dir, clock } });
  return { dir, clock, screen, out: () => lines.join("") };
}

const reply = (): Reply => ({
  text: rich("Your progress, alice."),
  visibility: "chat",
  buttons: [[{ label: "Confirm", action: "wc:1" }]],
  file: imageAttachment("progress-1.png", PNG, ALT),
});

describe("console pictures", () => {
  it("writes the PNG under the pictures folder and prints its path with the caption", () => {
    const { dir, screen, out } = setup();
    screen.show({ chat: groupChat(), reply: reply() });
    const path = join(dir, "progress-1-20261129-110000.png");
    expect(readFileSync(path).equals(PNG)).toBe(true);
    expect(out()).toBe(
      [
        "[group] bot: Your progress, alice.",
        "  [Confirm]",
        `  [picture ${path}, ${PNG.length} bytes]`,
        `    ${ALT}`,
        "",
      ].join("\n"),
    );
    // Its buttons are clickable like any other message's.
    expect(screen.findButton("confirm", null)?.button.action).toBe("wc:1");
  });

  it("never overwrites a picture: the same name in the same second gets a counter", async () => {
    const { dir, clock, screen } = setup();
    const courier = createConsoleCourier(screen);
    screen.show({ chat: groupChat(), reply: reply() });
    // An outbox message (a digest) with the same picture name, at the same virtual second.
    await courier.deliver({
      purpose: "digest:1",
      to: { platform: "console", chatKind: "group", chatId: groupChat().id },
      message: JSON.parse(JSON.stringify(reply())),
    });
    // A minute later on the virtual clock: a new stamp.
    clock.advance(60_000);
    screen.show({ chat: groupChat(), reply: reply() });
    expect(readdirSync(dir).sort()).toEqual([
      "progress-1-20261129-110000-2.png",
      "progress-1-20261129-110000.png",
      "progress-1-20261129-110100.png",
    ]);
    expect(readFileSync(join(dir, "progress-1-20261129-110000-2.png")).equals(PNG)).toBe(true);
  });

  it("keeps a hostile file name inside the folder", () => {
    const { dir, screen } = setup();
    screen.show({
      chat: groupChat(),
      reply: { ...reply(), file: imageAttachment("../../x y.png", PNG, ALT) },
    });
    expect(readdirSync(dir)).toEqual(["x_y-20261129-110000.png"]);
  });

  it("without a pictures folder, says the picture was not saved", () => {
    const lines: string[] = [];
    const screen = new ConsoleScreen({ write: (c: string) => lines.push(c) });
    screen.show({ chat: groupChat(), reply: reply() });
    expect(lines.join("")).toContain(
      `  [picture progress-1.png, ${PNG.length} bytes, not saved]\n    ${ALT}`,
    );
  });
});
