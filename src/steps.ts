/**
 * The repair plan: the 13 steps of the source guide, held as data.
 *
 * Every text here is written in our own words (see PRODUCT.md §2 and §10): a calm,
 * honest friend, short, no exclamation marks, no shame, no pressure on the other person,
 * and no promise that trust will come back. Examples name nobody, and any date in them is
 * computed from the day they are shown. The engine reads these to render `/plan` and
 * `/step`, to suggest a next step, to ask a step's question in check-ins, and to schedule a
 * commitment tagged with a step when the owner gives no cadence of their own.
 *
 * After the step-11 turn (the other person said no), the contact steps are set aside and the
 * steps whose usual words imply reaching the other person speak in their `afterNo` words.
 */
import { addMonths } from "./cadence/zone";

/** What kind of commitment a step suggests. */
export type StepKind =
  | "one-off"
  | "reflection"
  | "recurring-reflection"
  | "practice"
  | "waiting"
  | "long-term";

/**
 * How a commitment tagged with this step is scheduled when the owner gives no cadence.
 *
 * - `once`: a single check-in `afterDays` days from now at 20:00 local time.
 * - `recurring`: a cadence in the user-facing form (`daily HH:MM` or `graduated HH:MM`),
 *   optionally ending `forDays` days out; without `forDays` it runs until the owner
 *   sets `until:` or ends it.
 */
export type StepDefault =
  | { kind: "once"; afterDays: number }
  | { kind: "recurring"; cadence: string; forDays?: number };

/**
 * One line showing what a commitment for a step could look like, built for `today` (the
 * person's local date, `YYYY-MM-DD`) so that a date in it is still ahead and copying it works.
 */
export type StepSuggestion = (today: string) => string;

/** How a step speaks once the other person said no, where its usual words imply contact. */
export interface AfterNo {
  /** Two or three sentences of guidance that ask nothing of the other person. */
  guidance: string;
  /** An example commitment that involves only the owner. */
  suggestion: StepSuggestion;
}

/** One step of the repair plan. */
export interface Step {
  /** Position in the plan, 1..13. */
  number: number;
  /** Stable key from PRODUCT.md §2, safe to store and to type. */
  key: string;
  /** Short title, at most 40 characters. */
  title: string;
  /** What kind of commitment the step suggests. */
  kind: StepKind;
  /** Two or three sentences of guidance, speaking to the person as "you". */
  guidance: string;
  /**
   * One reflection question, ending with a question mark. Check-in prompts ask it, so it
   * never implies contact for a step that stays open after the step-11 turn.
   */
  question: string;
  /** One line showing what a commitment for this step could look like. */
  suggestion: StepSuggestion;
  /**
   * The words used after the step-11 turn, for a step that stays open then but whose usual
   * guidance or example implies reaching the other person. Contact steps have none: they are
   * set aside instead.
   */
  afterNo?: AfterNo;
  /** Scheduling used when a commitment tagged with this step has no cadence of its own. */
  defaults: StepDefault;
}

const once = (afterDays: number): StepDefault => ({ kind: "once", afterDays });
const recurring = (cadence: string, forDays?: number): StepDefault =>
  forDays === undefined ? { kind: "recurring", cadence } : { kind: "recurring", cadence, forDays };
/** A suggestion with no date in it. */
const fixed =
  (line: string): StepSuggestion =>
  () =>
    line;

const RAW_STEPS: Step[] = [
  {
    number: 1,
    key: "honesty",
    title: "Tell the truth",
    kind: "one-off",
    guidance:
      "Say plainly what you did, without softening it or explaining it away. " +
      "The whole story, told once and clearly, gives them something solid to stand on.",
    question: "Which part of the truth are you most tempted to leave out?",
    suggestion: fixed("Try: /commit Tell the whole truth about what I did step: 1"),
    afterNo: {
      guidance:
        "Their answer does not change what happened, and owning it is still yours to do. " +
        "Write down plainly what you did, without softening it, and go over it with your witness or a counsellor if that helps.",
      suggestion: fixed("Try: /commit Write down the whole of what I did, without excuses step: 1"),
    },
    defaults: once(2),
  },
  {
    number: 2,
    key: "third-party",
    title: "Bring in a witness",
    kind: "one-off",
    guidance:
      "Pick someone you trust, a friend or a counsellor, to walk beside you through this. " +
      "Invite them with /witness so they can confirm your check-ins and keep you honest.",
    question: "Who would tell you the truth about your progress, even when it is hard to hear?",
    suggestion: fixed(
      "Try: /commit Ask a friend to witness my progress step: 2, then invite them with /witness",
    ),
    defaults: once(2),
  },
  {
    number: 3,
    key: "meet-in-person",
    title: "Meet face to face",
    kind: "one-off",
    guidance:
      "Some things need to be said in the same room, where a face and a tone carry what text cannot. " +
      "Ask if they are willing, let them choose the time and place, and give the date when you commit. " +
      "If they decline, that is an answer to respect.",
    question: "What do you most want them to know when you sit down together?",
    suggestion: fixed("Try: /commit Ask whether they are open to meeting step: 3"),
    defaults: once(7),
  },
  {
    number: 4,
    key: "remorse",
    title: "Own the hurt",
    kind: "reflection",
    guidance:
      "Let yourself feel the weight of what your actions did to them, and say sorry without conditions. " +
      "Keep the attention on their hurt rather than on your guilt.",
    question: "What did your actions cost them, seen from their side rather than yours?",
    suggestion: fixed("Try: /commit Write down what I am sorry for, with no excuses step: 4"),
    afterNo: {
      guidance:
        "Let yourself feel the weight of what your actions cost them, without turning it into self-punishment. " +
        "Name it honestly, for yourself, and keep the attention on their hurt rather than on your guilt.",
      suggestion: fixed("Try: /commit Write down what I am sorry for, with no excuses step: 4"),
    },
    defaults: once(1),
  },
  {
    number: 5,
    key: "soul-searching",
    title: "Look inward",
    kind: "recurring-reflection",
    guidance:
      "Each evening, spend a few quiet minutes on why this happened. " +
      "Look for the pattern, the moment you chose, and what you were protecting. " +
      "Honest answers here are what make real change possible.",
    question: "What were you feeling or avoiding just before it happened?",
    suggestion: fixed("Try: /commit Spend ten minutes each evening on why it happened step: 5"),
    defaults: recurring("daily 20:00", 7),
  },
  {
    number: 6,
    key: "be-open",
    title: "Listen with an open mind",
    kind: "practice",
    guidance:
      "When they speak, listen to understand rather than to reply. " +
      "Their feelings are real even when they are hard to hear, so let them land before you respond.",
    question: "What did you hear today that you wanted to push back on, and what was true in it?",
    suggestion: fixed("Try: /commit Hear them out without interrupting or defending myself step: 6"),
    afterNo: {
      guidance:
        "Openness still matters when hard words come your way, from your witness, a friend or your own notes. " +
        "Let the true part land before you defend yourself.",
      suggestion: fixed("Try: /commit Take hard feedback without defending myself step: 6"),
    },
    defaults: recurring("daily 20:00", 14),
  },
  {
    number: 7,
    key: "meaningful-conversation",
    title: "Have the real conversation",
    kind: "one-off",
    guidance:
      "If they are willing, talk through what happened and what it did to each of you. " +
      "Aim for understanding, not for winning or for being forgiven. " +
      "Leave room to agree on how things could be different.",
    question: "What would make this conversation worth having for them, not only for you?",
    suggestion: fixed("Try: /commit Have an honest talk about what happened, if they are willing step: 7"),
    defaults: once(7),
  },
  {
    number: 8,
    key: "talk-about-why",
    title: "Talk about the why",
    kind: "reflection",
    guidance:
      "If they want to hear it, share what you have learned about the reasons behind your actions, without using them as excuses. " +
      "Naming the cause helps you both see what has to change.",
    question: "Can you explain the cause without asking them to excuse it?",
    suggestion: fixed("Try: /commit Share what I now understand about my reasons step: 8"),
    defaults: once(3),
  },
  {
    number: 9,
    key: "be-calm",
    title: "Stay calm",
    kind: "practice",
    guidance:
      "Defensiveness comes fast when you feel judged. " +
      "Notice when you start to justify yourself or raise your voice, and slow down instead. " +
      "Staying steady is a form of respect, for others and for the change you are making.",
    question: "When did you feel the urge to defend yourself today, and what did you do with it?",
    suggestion: fixed("Try: /commit Pause and breathe before I reply when I feel defensive step: 9"),
    defaults: recurring("daily 20:00", 14),
  },
  {
    number: 10,
    key: "present-solution",
    title: "Offer concrete changes",
    kind: "one-off",
    guidance:
      "Offer specific changes you will make, not a general promise to do better. " +
      "Make each change its own commitment, so you check in on it and your witness can see it.",
    question: "Which change would matter most to them, and how would they notice it?",
    suggestion: fixed(
      "Try: one commitment per change, like /commit Call home when I am running late step: 10",
    ),
    defaults: once(7),
  },
  {
    number: 11,
    key: "accept-their-choice",
    title: "Accept their answer",
    kind: "reflection",
    guidance:
      "They may decide they do not want to go on, and that choice is theirs to make. " +
      "If the answer is no, let it stand without trying to change it. " +
      "Your plan then turns to your own growth, with no contact.",
    question: "Can you respect their answer, whatever it is, and still keep growing?",
    suggestion: fixed("Try: /commit Accept their answer without pushing back step: 11"),
    afterNo: {
      guidance:
        "Their answer stands, and letting it stand is this step. " +
        "What is left is your own growth, which counts whether or not anyone else sees it.",
      suggestion: fixed("Try: /commit Let their answer stand, even on hard days step: 11"),
    },
    defaults: once(2),
  },
  {
    number: 12,
    key: "give-space",
    title: "Give them space",
    kind: "waiting",
    guidance:
      "Healing runs on their clock, not yours. " +
      "Give them room, and do not press for an answer, a meeting or forgiveness. " +
      "Set how long with until: and check in with yourself each day.",
    question: "Did I respect their space today?",
    suggestion: (today) =>
      `Try: /commit Respect the space they asked for step: 12 until: ${addMonths(today, 1)}`,
    afterNo: {
      guidance:
        "Their answer stands, and the distance they chose is theirs. " +
        "When the urge to close it comes, notice it and let it pass. " +
        "Set how long with until: and check in with yourself each day.",
      suggestion: (today) =>
        `Try: /commit Respect the space they asked for step: 12 until: ${addMonths(today, 1)}`,
    },
    defaults: recurring("daily 20:00"),
  },
  {
    number: 13,
    key: "dont-repeat",
    title: "Keep the change going",
    kind: "long-term",
    guidance:
      "What lasts is what you do over months, not what you say now. " +
      "Keep living the changes, watch for early signs of the old pattern, " +
      "and check in less often as the habit holds.",
    question: "What helped or got in the way this time, and what small thing would make next time easier?",
    suggestion: fixed("Try: /commit Keep the changes I promised, for good step: 13"),
    defaults: recurring("graduated 20:00"),
  },
];

/** The 13 steps, in order, deeply frozen. `STEPS[i].number === i + 1`. */
export const STEPS: readonly Step[] = Object.freeze(
  RAW_STEPS.map((s) =>
    Object.freeze({
      ...s,
      defaults: Object.freeze({ ...s.defaults }),
      ...(s.afterNo ? { afterNo: Object.freeze({ ...s.afterNo }) } : {}),
    }),
  ),
);

/**
 * Step 13's reflection question, asked after a missed check-in: it names the miss
 * plainly and turns to what comes next, never to blame.
 */
export const STEP_13_QUESTION: string = RAW_STEPS[12]?.question ?? "";

const BY_KEY: ReadonlyMap<string, Step> = new Map(STEPS.map((s) => [s.key, s]));

/** The step with this number (1..13), or `undefined`. */
export function stepByNumber(n: number): Step | undefined {
  return Number.isInteger(n) ? STEPS[n - 1] : undefined;
}

/** The step with this exact key (e.g. `"dont-repeat"`), or `undefined`. */
export function stepByKey(key: string): Step | undefined {
  return BY_KEY.get(key);
}

/**
 * Resolves what a user typed to a step: a number (`"13"`, `"#13"`) or a key in any
 * case (`"dont-repeat"`, `"Dont-Repeat"`). Surrounding spaces are ignored.
 * Anything else, including `"0"`, `"14"` and `""`, gives `undefined`.
 */
export function findStep(ref: string): Step | undefined {
  const text = ref.trim().toLowerCase();
  const numeric = /^#?(\d{1,3})$/.exec(text);
  if (numeric?.[1] !== undefined) return stepByNumber(Number(numeric[1]));
  return stepByKey(text);
}

/**
 * The steps that mean contacting the person who was hurt. After the step-11 turn (they said
 * no) these are set aside: nothing the bot says suggests them.
 */
export const CONTACT_STEPS: readonly number[] = Object.freeze([3, 7, 8, 10]);

/** The steps about the owner's own growth, which `/plan` suggests after the step-11 turn. */
export const GROWTH_STEPS: readonly number[] = Object.freeze([5, 9, 12, 13]);

/** The question a check-in asks when its commitment has no step, or its step is set aside. */
export const PLAIN_QUESTION = "How did it go?";

/**
 * The question a check-in prompt asks: the tagged step's reflection question (step 12: "Did
 * I respect their space today?"), or {@link PLAIN_QUESTION} for an untagged commitment, and
 * for a contact step once the plan has turned (`turned`), since after the other person said
 * no nothing may suggest reaching them.
 */
export function checkInQuestion(step: number | null, turned: boolean): string {
  if (step === null) return PLAIN_QUESTION;
  if (turned && CONTACT_STEPS.includes(step)) return PLAIN_QUESTION;
  return stepByNumber(step)?.question ?? PLAIN_QUESTION;
}

/** True when `step` is set aside: a contact step, once the plan has turned. */
export function isSetAside(step: number | null, turned: boolean): boolean {
  return turned && step !== null && CONTACT_STEPS.includes(step);
}

/** A step's guidance as the person should read it now (`turned`: after the step-11 turn). */
export function guidanceFor(s: Step, turned: boolean): string {
  return turned && s.afterNo ? s.afterNo.guidance : s.guidance;
}

/**
 * A step's example commitment for `today` (the person's local date), in its after-the-turn
 * words when the plan has turned and the step has them.
 */
export function suggestionFor(s: Step, today: string, turned: boolean): string {
  return (turned && s.afterNo ? s.afterNo.suggestion : s.suggestion)(today);
}
