/**
 * Pictures on Discord: an image reply is an attachment with its description as the alt text, in
 * gateway and HTTP modes (HTTP acknowledges first and puts the file in place by a webhook edit),
 * and an outbox message carrying a picture is posted over REST multipart after the database round
 * trip (run this file under the postgres project too).
 */
import { describe, expect, it } from "vitest";
import { bold, rich } from "../src/richtext";
import { type Engine, imageAttachment, type Reply } from "../src/types";
import { type DiscordMode, useDiscordBots } from "./support/discord/bot";
import { pngSize, tinyPng } from "./support/png";

const PNG = tinyPng();
const ALT = "#1 Walk: kept 3 of the last 4 weeks' check-ins; consistency 75";

const pictureReply = (visibility: Reply["visibility"]): Reply => ({
  text: rich("Your ", bold("progress"), "."),
  visibility,
  buttons: [[{ label: "Confirm", action: "wc:1", style: "success" }]],
  file: imageAttachment("progress-1.png", PNG, ALT),
});

/** The engine, except that `/status` answers with a picture (until `/progress` exists). */
const withPicture =
  (visibility: Reply["visibility"]) =>
  (engine: Engine): Engine => ({
    ...engine,
    handle: (input) =>
      input.type === "command" && input.name === "status"
        ? Promise.resolve([pictureReply(visibility)])
        : engine.handle(input),
  });

describe("Discord pictures", () => {
  const bots = useDiscordBots();

  for (const mode of ["gateway", "http"] as DiscordMode[]) {
    for (const visibility of ["chat", "sender-only"] as const) {
      it(`answers an interaction with the picture as an attachment with alt text (${mode}, ${visibility})`, async () => {
        const bot = await bots.start({ mode, wrap: withPicture(visibility) });
        const alice = bot.fake.addUser("alice");
        const answer = await bot.slash(alice, "status");
        const [message] = answer.messages;
        expect(answer.messages).toHaveLength(1);
        expect(message?.ephemeral).toBe(visibility === "sender-only");
        expect(message?.message.content).toBe("Your **progress**.");
        expect(message?.message.components).toHaveLength(1);
        expect(message?.files).toHaveLength(1);
        const [file] = message?.files ?? [];
        expect(file?.name).toBe("progress-1.png");
        expect(file?.description).toBe(ALT);
        expect(file?.contentType).toBe("image/png");
        expect(file?.bytes?.equals(PNG)).toBe(true);
      });
    }
  }

  it("posts an outbox picture from the database over REST multipart, alt text included", async () => {
    const bot = await bots.start();
    const { fake, store, clock } = bot;
    const now = clock.now().getTime();
    const queued = await store.transaction((tx) =>
      tx.enqueue({
        purpose: "digest:1:2026-11-29",
        to: { platform: "discord", chatKind: "group", chatId: fake.general.id },
        message: pictureReply("chat"),
        notBefore: now,
        now,
      }),
    );
    expect(queued).toBe(true);
    const posted = await bot.drain();
    expect(posted).toHaveLength(1);
    const [message] = posted;
    expect(message?.source).toBe("rest");
    expect(message?.message.content).toBe("Your **progress**.");
    expect(message?.message.components).toHaveLength(1);
    const [file] = message?.files ?? [];
    expect(file?.description).toBe(ALT);
    expect(file?.bytes && pngSize(file.bytes)).toEqual({ width: 40, height: 20 });
    expect(file?.bytes?.equals(PNG)).toBe(true);
  });
});
