/**
 * `/progress` through the engine (issue 13): the picture arrives with the reply, drawn after the
 * transaction, answered to the person alone, with its caption as the alt text.
 */
import { describe, expect, it } from "vitest";
import { toPlain } from "../src/richtext";
import { attachmentBytes } from "../src/types";
import { createBot } from "./support/harness";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("/progress", () => {
  it("answers with a PNG picture just for the person, its caption the alt text", async () => {
    const bot = createBot();
    await bot.say("sam", "/commit Call my sister cadence: daily 20:00");
    await bot.say("sam", "/commit Keep the receipts cadence: daily 21:00 private");
    const [reply] = await bot.send("sam", "/progress");
    expect(reply?.visibility).toBe("sender-only");
    const file = reply?.file;
    expect(file?.kind).toBe("image");
    if (file?.kind !== "image") return;
    expect(attachmentBytes(file).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(toPlain(reply?.text ?? [])).toContain(file.description);
    expect(file.description).toMatch(/^#1 Call my sister.*#2 Keep the receipts/s);
    await bot.store.close();
  });

  it("draws one commitment by number, and says so when there is nothing to draw", async () => {
    const bot = createBot();
    expect(await bot.say("kim", "/progress")).toMatch(/^You have no open commitments to draw yet/);
    await bot.say("kim", "/commit Walk cadence: daily 08:00");
    const [one] = await bot.send("kim", "/progress #1");
    expect(one?.file?.kind === "image" && one.file.description).toMatch(/^#1 Walk/);
    expect(await bot.say("kim", "/progress #4")).toMatch(/You have no commitment #4/);
    await bot.store.close();
  });
});
