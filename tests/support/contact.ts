/**
 * Words that suggest contacting the person who was hurt: meeting, calling, talking, writing,
 * apologising to them, or waiting for them to come round. After the step-11 turn (they said
 * no), nothing the bot says to the owner may match (PRODUCT.md §2, VOICE.md). Broad on purpose:
 * what a reviewer would grep for.
 */
export const CONTACT_PHRASES: readonly RegExp[] = [
  /\bmeet(s|ing)?\b/i,
  /\bface to face\b/i,
  /\bin person\b/i,
  /\bsame room\b/i,
  /\bsit down\b/i,
  /\btogether\b/i,
  /\bcall(ing)? (them|her|him)\b/i,
  /\bphone\b/i,
  /\bring (them|her|him)\b/i,
  /\btalk(s|ing|ed)?\b/i,
  /\bconversation/i,
  /\bcontact/i,
  /\breach(ing)? (out|them|her|him)\b/i,
  /\bin touch\b/i,
  /\b(tell|told) (them|her|him)\b/i,
  /\blet (them|her|him) know\b/i,
  /\bsay(ing)? sorry\b/i,
  /\bapolog/i,
  /\b(message|text|write to|email|send|visit|see|show|ask|hear|listen to|offer|explain to|share with) (them|her|him)\b/i,
  /\bask(s|ing|ed)? (them|her|him|whether (they|she|he)|if (they|she|he))\b/i,
  /\bletter\b/i,
  /\bvisit/i,
  /\b(they|she|he) speaks?\b/i,
  /\bcome to you\b/i,
  /\breach you\b/i,
  /\bwhen (they|she|he)('re| are| is) ready\b/i,
  /\bif (they|she|he)('re| are| is) willing\b/i,
  /\b(they|she|he) wants? to hear\b/i,
  /\bwin (them |her |him )?back\b/i,
  /\bchange (their|her|his) mind\b/i,
  /\bcheck(ing)? on (them|her|him)\b/i,
  /\bwait(ing)? (for|on|out) (them|her|him)\b/i,
  /\bsecond chance\b/i,
  /\b(both|each) of you\b/i,
  /\bforgiv/i,
  /\bpersuad/i,
  /\bconvinc/i,
  /\breconcil/i,
  /\bnext move\b/i,
  /\bwhen they come\b/i,
  /\b(would|will) (they|she|he) notice\b/i,
  /\b(they|she|he) (would |will )?notice\b/i,
];

/** The contact phrases `text` contains, as found (empty when none). */
export function contactPhrases(text: string): string[] {
  return CONTACT_PHRASES.flatMap((re) => {
    const m = re.exec(text);
    return m ? [m[0]] : [];
  });
}
