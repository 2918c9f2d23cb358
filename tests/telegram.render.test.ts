/** The Telegram adapter's pure parts: HTML rendering, callback data, error mapping, guided state. */
import { GrammyError, HttpError } from "grammy";
import type { MessageEntity } from "grammy/types";
import { describe, expect, it } from "vitest";
import { deliveryResultFor } from "../adapters/telegram/courier";
import { classifyFailure, describeFailure } from "../adapters/telegram/errors";
import {
  answerChoice,
  answerText,
  currentOption,
  finish,
  questionFor,
  showing,
  startGuided,
} from "../adapters/telegram/guided";
import { inlineKeyboard } from "../adapters/telegram/keyboard";
import { PendingStore } from "../adapters/telegram/pending";
import {
  callbackData,
  entitiesToHtml,
  escapeHtml,
  renderHtml,
  TEXT_LIMIT,
} from "../adapters/telegram/render";
import { secretMatches } from "../adapters/telegram/webhook";
import { findCommand } from "../src/commands/table";
import { bold, code, italic, mention, rich } from "../src/richtext";
import type { Recipient } from "../src/types";
import { parseTelegramHtml } from "./support/telegram/html";

describe("Telegram HTML", () => {
  it("escapes every user character and renders bold, italic, code and mentions", () => {
    const promise = `<b>bold</b> & </a> "quoted" <script>`;
    const html = renderHtml(
      rich(
        mention("telegram", "42", "Al <i>"),
        ", ",
        bold("#1"),
        " ",
        italic(promise),
        " ",
        code("/commit a&b"),
      ),
    );
    expect(html).toBe(
      '<a href="tg://user?id=42">Al &lt;i&gt;</a>, <b>#1</b> <i>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;/a&gt; &quot;quoted&quot; &lt;script&gt;</i> <code>/commit a&amp;b</code>',
    );
    const parsed = parseTelegramHtml(html);
    expect(parsed.text).toBe(`Al <i>, #1 ${promise} /commit a&b`);
    expect(parsed.entities.map((e) => e.type)).toEqual(["text_mention", "bold", "italic", "code"]);
    expect(escapeHtml("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
  });

  it("never links a mention that is not a Telegram user id", () => {
    expect(renderHtml(rich(mention("discord", "123", "sam")))).toBe("sam");
    expect(renderHtml(rich(mention("telegram", "12 onclick", "sam")))).toBe("sam");
  });

  it("cuts text past Telegram's limit with an ellipsis, never splitting a tag or an emoji", () => {
    const long = rich(bold("Digest"), " ", "🙂".repeat(3000));
    const html = renderHtml(long);
    const { text } = parseTelegramHtml(html);
    expect(text.length).toBeLessThanOrEqual(TEXT_LIMIT);
    expect(text.endsWith("🙂…")).toBe(true);
  });

  it("turns a message's entities back into the same HTML, nested and with surrogate pairs", () => {
    const html =
      '<i>🙂 before <b>both &amp; <a href="tg://user?id=7">Zoë</a></b></i> plain <a href="https://x.example/?a=1&amp;b=&quot;2&quot;">link</a> <code>&lt;x&gt;</code>';
    const parsed = parseTelegramHtml(html);
    const extra: MessageEntity[] = [{ type: "url", offset: 0, length: 2 }];
    const again = entitiesToHtml(parsed.text, [...parsed.entities, ...extra]);
    expect(parseTelegramHtml(again)).toEqual(parsed);
    expect(entitiesToHtml("a < b", [])).toBe("a &lt; b");
  });
});

describe("callback data", () => {
  it("accepts 1-64 bytes and throws on anything longer, counting UTF-8 bytes", () => {
    expect(callbackData("a".repeat(64))).toBe("a".repeat(64));
    expect(() => callbackData("a".repeat(65))).toThrow(RangeError);
    expect(() => callbackData("é".repeat(33))).toThrow(/66/);
    expect(() => callbackData("")).toThrow(RangeError);
  });

  it("builds inline keyboards with Telegram's button colours, and refuses a long action", () => {
    expect(
      inlineKeyboard([
        [
          { label: "Kept", action: "ans:1:k", style: "success" },
          { label: "Missed", action: "ans:1:m", style: "secondary" },
        ],
        [],
      ]),
    ).toEqual({
      inline_keyboard: [
        [
          { text: "Kept", callback_data: "ans:1:k", style: "success" },
          { text: "Missed", callback_data: "ans:1:m" },
        ],
      ],
    });
    expect(inlineKeyboard([])).toBeUndefined();
    expect(() => inlineKeyboard([[{ label: "x", action: `x:${"9".repeat(70)}` }]])).toThrow(RangeError);
  });
});

describe("Telegram errors", () => {
  const api = (error_code: number, description: string, parameters = {}) =>
    new GrammyError("Call failed", { ok: false, error_code, description, parameters }, "sendMessage", {});
  const group: Recipient = { platform: "telegram", chatKind: "group", chatId: "-1" };
  const dm: Recipient = { platform: "telegram", chatKind: "dm", chatId: "", personId: "5" };

  it("maps each answer to what the dispatcher should do", () => {
    const table: [GrammyError | Error, Recipient, unknown][] = [
      [api(429, "Too Many Requests: retry after 1", { retry_after: 0.25 }), group, { retryAfterMs: 250 }],
      [api(403, "Forbidden: bot was blocked by the user"), dm, "gone"],
      [api(403, "Forbidden: user is deactivated"), dm, "gone"],
      [api(403, "Forbidden: bot can't initiate conversation with a user"), dm, "dm-refused"],
      [api(403, "Forbidden: bot was kicked from the group chat"), group, "gone"],
      [api(403, "Forbidden: bot is not a member of the supergroup chat"), group, "gone"],
      [api(400, "Bad Request: chat not found"), group, "gone"],
      [api(400, "Bad Request: chat not found"), dm, "dm-refused"],
      [api(500, "Internal Server Error"), group, null],
      [api(400, "Bad Request: message is too long"), group, null],
      [new HttpError("Network request for 'sendMessage' failed!", new Error("socket hang up")), group, null],
    ];
    for (const [error, to, expected] of table) {
      expect(deliveryResultFor(classifyFailure(error), to), error.message).toEqual(expected);
    }
    expect(
      classifyFailure(
        api(400, "Bad Request: group chat was upgraded to a supergroup chat", { migrate_to_chat_id: -100 }),
      ),
    ).toEqual({
      kind: "migrated",
      chatId: -100,
    });
  });

  it("describes an error in one line without the token", () => {
    const token = "7001234567:AAAAbbbbCCCCddddEEEEffffGGGGhhhhIII";
    expect(describeFailure(new Error(`GET https://api.telegram.org/bot${token}/getMe failed`))).toBe(
      "Error: GET https://api.telegram.org/bot[redacted]/getMe failed",
    );
  });
});

describe("pending questions", () => {
  it("expire, and the oldest give way when the store is full", () => {
    let now = 0;
    const store = new PendingStore<{ expiresAt: number; n: number }>({ max: 3, now: () => now });
    for (let n = 0; n < 5; n++) store.set(`k${n}`, { expiresAt: 100, n });
    expect(store.size).toBe(3);
    expect(store.get("k0")).toBeUndefined();
    expect(store.get("k4")?.n).toBe(4);
    now = 100;
    expect(store.get("k4")).toBeUndefined();
  });
});

describe("the guided exchange", () => {
  const commit = findCommand("commit");
  if (!commit) throw new Error("no /commit");
  const start = (base: string, missing = ["promise"]) =>
    startGuided({ spec: commit, base, missing, commandMessageId: 1, askedName: "alice", nonce: "n", now: 0 });

  it("asks for the promise, then a cadence, and keeps the typed promise word for word", () => {
    const state = start("private");
    expect(questionFor(state)?.text).toBe("What do you commit to? Reply to this message in your own words.");
    // Answers are checked by the command line's own rules, in the same words.
    expect(answerText(state, "  ")).toBe("That promise is empty. Write it in words.");
    expect(answerText(state, "\u200b\u202e")).toMatch(/^That promise shows nothing I can read/);
    expect(answerText(state, "Be on time cadence: always, keep it private")).toBeNull();
    const cadence = questionFor(state);
    expect(cadence?.choices?.at(-1)).toEqual({ label: "Other…", value: "" });
    if (!cadence) throw new Error("no cadence question");
    showing(state, cadence);
    expect(answerChoice(state, 99)).toBe("stale");
    expect(answerChoice(state, 1)).toBe("next");
    expect(currentOption(state)).toBeUndefined();
    expect(finish(state)).toEqual({
      ok: true,
      args: {
        promise: "Be on time cadence: always, keep it private",
        cadence: "daily 08:00",
        private: "true",
      },
      mentions: [],
    });
  });

  it("does not offer cadences when one, or a step, was typed", () => {
    expect(start("cadence: weekly sun 18:00").todo.map((o) => o.name)).toEqual(["promise"]);
    expect(start("step: 13").todo.map((o) => o.name)).toEqual(["promise"]);
  });

  it("refuses a promise over the limit", () => {
    const state = start("");
    expect(answerText(state, "x".repeat(501))).toBe("That promise is 501 characters; please keep it to 500.");
  });
});

describe("webhook secret", () => {
  it("matches only the exact secret", () => {
    expect(secretMatches("s3cret", "s3cret")).toBe(true);
    expect(secretMatches(["s3cret"], "s3cret")).toBe(true);
    expect(secretMatches("s3cre", "s3cret")).toBe(false);
    expect(secretMatches(undefined, "s3cret")).toBe(false);
  });
});
