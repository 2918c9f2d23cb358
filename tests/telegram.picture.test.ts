/**
 * Pictures on Telegram: an image reply or outbox message goes with sendPhoto, the text as its HTML
 * caption and the buttons on the photo; a text too long for a caption (over 1024 characters) sends
 * the photo captioned with its description, then the text with the buttons. A 429 on sendPhoto is
 * retried by the dispatcher with the whole photo again, and the picture survives the outbox's JSON
 * in the database (run this file under the postgres project too).
 */
import { Api } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { sendReply } from "../adapters/telegram/send";
import { bold, rich } from "../src/richtext";
import {
  attachmentBytes,
  imageAttachment,
  type OutboundMessage,
  type Recipient,
  type Reply,
} from "../src/types";
import { outboxOf } from "./support/inspect";
import { pngSize, tinyPng } from "./support/png";
import { ERRORS } from "./support/telegram/server";
import { createWorld, failOnUnhandledRejections, type World } from "./support/telegram/world";

failOnUnhandledRejections();

let w: World;
afterEach(async () => {
  await w?.close();
});

const PNG = tinyPng();
const ALT = "#1 Walk: kept 3 of the last 4 weeks' check-ins; consistency 75";
const picture = () => imageAttachment("progress-1.png", PNG, ALT);

const toDm = (id: number): Recipient => ({
  platform: "telegram",
  chatKind: "dm",
  chatId: "",
  personId: String(id),
});

/** A plain Bot API client on the fake server, as the adapter's answers and courier use one. */
const apiOf = (world: World) => new Api(world.tg.token, { apiRoot: world.tg.apiRoot });

function pictureReply(text: Reply["text"]): Reply {
  return {
    text,
    visibility: "chat",
    buttons: [[{ label: "Confirm", action: "wc:1", style: "success" }]],
    file: picture(),
  };
}

describe("Attachment", () => {
  it("keeps a picture's bytes as base64 through JSON, and gives them back as a Buffer", () => {
    const a = picture();
    const back = JSON.parse(JSON.stringify(a));
    expect(back).toEqual(a);
    expect(attachmentBytes(back).equals(PNG)).toBe(true);
    expect(pngSize(attachmentBytes(back))).toEqual({ width: 40, height: 20 });
    expect(attachmentBytes({ filename: "a.json", mime: "application/json", content: "é" })).toEqual(
      Buffer.from("é", "utf8"),
    );
  });
});

describe("Telegram pictures", () => {
  it("sends a picture with sendPhoto, the text as its HTML caption and the buttons on the photo", async () => {
    w = await createWorld();
    const { tg } = w;
    const group = tg.group(-1001, "Repair");
    const sent = await sendReply(
      apiOf(w),
      { chatId: group.id },
      pictureReply(rich("Your ", bold("week"), ".")),
    );
    expect(sent).toHaveLength(1);
    const [call] = tg.callsOf("sendPhoto");
    expect(call?.params.caption).toBe("Your <b>week</b>.");
    expect(call?.params.parse_mode).toBe("HTML");
    expect(call?.upload?.filename).toBe("progress-1.png");
    expect(call?.upload?.content.equals(PNG)).toBe(true);
    const message = tg.sent(group.id).at(-1);
    expect(message?.photo?.[0]).toMatchObject({ width: 40, height: 20, file_size: PNG.length });
    expect(message?.caption).toBe("Your week.");
    expect(message?.reply_markup?.inline_keyboard[0]?.[0]?.text).toBe("Confirm");
    expect(tg.callsOf("sendMessage")).toHaveLength(0);
  });

  it("with a text over 1024 characters: the photo captioned with its description, then the text with the buttons", async () => {
    w = await createWorld();
    const { tg } = w;
    const group = tg.group(-1001, "Repair");
    const long = `${"A long digest line. ".repeat(60)}End.`;
    expect(long.length).toBeGreaterThan(1024);
    const sent = await sendReply(apiOf(w), { chatId: group.id }, pictureReply(rich(long)));
    expect(sent).toHaveLength(2);
    const [photo, text] = tg.sent(group.id);
    expect(photo?.photo).toBeDefined();
    expect(photo?.caption).toBe(ALT);
    expect(photo?.reply_markup).toBeUndefined();
    expect(text?.text).toBe(long);
    expect(text?.reply_markup?.inline_keyboard[0]?.[0]?.text).toBe("Confirm");
  });

  it("a picture with no text is captioned with its description", async () => {
    w = await createWorld();
    const { tg } = w;
    const group = tg.group(-1001, "Repair");
    await sendReply(apiOf(w), { chatId: group.id }, { ...pictureReply([]), buttons: [] });
    expect(tg.sent(group.id).at(-1)?.caption).toBe(ALT);
  });

  it("delivers an outbox picture from the database, resending the whole photo after a 429", async () => {
    w = await createWorld();
    const { tg, store, clock } = w;
    const alice = tg.user(101, "alice", "alice");
    tg.started.add(alice.id);
    const message: OutboundMessage = {
      purpose: "digest:1:2026-11-29",
      to: toDm(alice.id),
      message: { ...pictureReply(rich("Your witness digest: ", bold("#1 Walk"), ".")), visibility: "chat" },
    };
    expect(
      await store.transaction((tx) => tx.enqueue({ ...message, notBefore: clock.ms, now: clock.ms })),
    ).toBe(true);
    // Stored as JSON: the picture is base64 there, not a serialised Buffer.
    const [row] = await outboxOf(w);
    expect(JSON.stringify(row)).toContain(picture().base64.slice(0, 40));
    tg.fail({ method: "sendPhoto", fail: ERRORS.tooMany(2) });
    await w.flush();
    expect(tg.callsOf("sendPhoto").map((c) => c.outcome)).toEqual([429]);
    clock.ms += 5_000; // past the retry_after
    await w.flush();
    const calls = tg.callsOf("sendPhoto");
    expect(calls.map((c) => c.outcome)).toEqual([429, "ok"]);
    for (const c of calls) expect(c.upload?.content.equals(PNG), "each try uploads the photo").toBe(true);
    const got = tg.sent(alice.id).at(-1);
    expect(got?.caption).toBe("Your witness digest: #1 Walk.");
    expect(got?.photo?.[0]).toMatchObject({ width: 40, height: 20 });
    expect(got?.reply_markup?.inline_keyboard[0]?.[0]?.text).toBe("Confirm");
  });
});
