// Derives which side of the connection an OCPP functional requirement constrains, from the
// grammatical subject of its normative keywords (SHALL, SHOULD, MAY, MUST, REQUIRED, RECOMMENDED).
//   "The CSMS SHALL …"                      -> CSMS
//   "The Charging Station SHALL …"          -> Station   (also EVSE, "the client, i.e. the Charging Station")
//   "It SHALL …" after "If the CSMS …"      -> CSMS      (pronoun: nearest actor before it)
//   "CSMS responds with …"                  -> CSMS      (sentence opening with an actor and a verb)
//   "Every NotifyReportRequest SHALL …"     -> Station   (a message as subject: its sender, basis 'message')
//   both subjects, or no recognisable one   -> Both      (basis 'unclear' when nothing was found)

export type Side = 'CSMS' | 'Station' | 'Both';
export type SideBasis = 'subject' | 'message' | 'unclear';
/** Who sends the request of an action (as in packages/ocpp/src/generated/actions.ts). */
export type DirectionOf = (action: string) => 'toCsms' | 'toStation' | 'both' | undefined;

const MODAL = String.raw`(?:SHALL|SHOULD|MAY|MUST|(?:is|are)\s+(?:NOT\s+)?(?:REQUIRED|RECOMMENDED|OPTIONAL))\b`;
const ACTOR = String.raw`(CSMS|[Cc]harging\s+[Ss]tation|EVSE|[Ll]ocal\s+[Cc]ontroller)`;
// Words that may stand between the subject and its keyword ("The CSMS also SHALL", "Charging Station itself MAY").
const FILLER = String.raw`(?:(?:,\s*)?(?:also|then|only|still|always|itself|therefore|thus|first|afterwards|subsequently|now|again|instead|in\s+this\s+case|in\s+that\s+case)\s*,?\s+)*`;

// "<actor> [and|or <actor>] [filler] <modal>", the actor not being a possessive or a modifier
// ("Charging Station identity SHALL" is not matched because "identity" is not a filler word).
const SUBJECT_RE = new RegExp(
  String.raw`\b${ACTOR}(?:(?:\s*(?:,\s*)?(?:and|or|&)\s+|\s*\/\s*)(?:the\s+)?${ACTOR})?\s*,?\s+${FILLER}${MODAL}`,
  'g',
);
const SUBJECT_RE_LOOSE = new RegExp(SUBJECT_RE.source, 'gi');
// "It is RECOMMENDED for the CSMS to …", "It is RECOMMENDED that the Charging Station …"
const RECOMMENDED_RE = new RegExp(String.raw`\b(?:RECOMMENDED|REQUIRED|OPTIONAL)\s+(?:for|that)\s+(?:the\s+)?${ACTOR}`, 'g');

function actorSide(actor: string): 'CSMS' | 'Station' | 'Local Controller' {
  const a = actor.replace(/\s+/g, ' ').toLowerCase().replace(/s$/, '');
  if (a === 'csm' || a === 'csms') return 'CSMS';
  if (a === 'local controller') return 'Local Controller';
  return 'Station';
}

function subjectsIn(text: string, strict: boolean): Set<string> {
  const found = new Set<string>();
  // Strict: upper-case keywords only (the spec's convention). Loose: a few transcriptions use "shall".
  for (const m of text.matchAll(strict ? SUBJECT_RE : SUBJECT_RE_LOOSE)) {
    if (m[1]) found.add(actorSide(m[1]));
    if (m[2]) found.add(actorSide(m[2]));
  }
  for (const m of text.matchAll(RECOMMENDED_RE)) if (m[1]) found.add(actorSide(m[1]));
  return found;
}

const PRONOUN_RE = new RegExp(String.raw`\b[Ii]t\s+${FILLER}${MODAL}`);
const ACTOR_MENTION_RE = new RegExp(ACTOR, 'g');
const LEADING_VERB_RE = /^(?:The\s+)?(CSMS|Charging\s+Stations?|Local\s+Controller)\s+(?:then\s+|also\s+)?([a-z]+s)\b/;
const MESSAGE_RE = /\b([A-Za-z][A-Za-z0-9]*?)(Request|Response)\b/;
const FIRST_MODAL_RE = /\b(?:shall|should|may|must|required|recommended)\b/i;
// Only a message near the start of the sentence is taken as its subject ("Every NotifyReportRequest …").
const MESSAGE_WITHIN_WORDS = 8;
// Spelling used in requirement text -> action name.
const ACTION_ALIASES: Record<string, string> = { Authorization: 'Authorize' };

function fromSubjects(subjects: Set<string>): Side | null {
  // A Local Controller acts as a CSMS towards stations and as a station towards the CSMS.
  if (subjects.has('Local Controller')) return 'Both';
  const csms = subjects.has('CSMS');
  const station = subjects.has('Station');
  if (csms && station) return 'Both';
  if (csms) return 'CSMS';
  if (station) return 'Station';
  return null;
}

/** Side constrained by a requirement text (the requirement-definition column, not the precondition). */
export function deriveSide(requirement: string, directionOf?: DirectionOf): { side: Side; basis: SideBasis } {
  const text = requirement.replace(/\s+/g, ' ').trim();
  let subjects = subjectsIn(text, true);
  if (subjects.size === 0) subjects = subjectsIn(text, false); // lower-case "shall" in a few transcriptions
  const explicit = fromSubjects(subjects);
  if (explicit) return { side: explicit, basis: 'subject' };

  const pronoun = PRONOUN_RE.exec(text);
  if (pronoun) {
    const before = [...text.slice(0, pronoun.index).matchAll(ACTOR_MENTION_RE)].pop();
    if (before?.[1]) return { side: fromSubjects(new Set([actorSide(before[1])]))!, basis: 'subject' };
  }
  const leading = LEADING_VERB_RE.exec(text);
  if (leading?.[1]) return { side: fromSubjects(new Set([actorSide(leading[1])]))!, basis: 'subject' };

  if (directionOf) {
    const modal = FIRST_MODAL_RE.exec(text);
    const head = modal ? text.slice(0, modal.index) : text;
    const msg = MESSAGE_RE.exec(head);
    const wordsBefore = msg ? head.slice(0, msg.index).split(' ').filter(Boolean) : [];
    // "the chargingPriority from the TransactionEventResponse SHALL be used": the receiver acts, skip.
    const fromMessage = /^(?:from|by|via)$/i.test(wordsBefore.filter((w) => !/^(?:the|a|an)$/i.test(w)).pop() ?? '');
    if (msg?.[1] && wordsBefore.length < MESSAGE_WITHIN_WORDS && !fromMessage) {
      const name = msg[1][0]!.toUpperCase() + msg[1].slice(1);
      const dir = directionOf(ACTION_ALIASES[name] ?? name);
      if (dir === 'both') return { side: 'Both', basis: 'message' };
      if (dir) {
        const senderIsStation = (dir === 'toCsms') === (msg[2] === 'Request');
        return { side: senderIsStation ? 'Station' : 'CSMS', basis: 'message' };
      }
    }
  }
  return { side: 'Both', basis: 'unclear' };
}
