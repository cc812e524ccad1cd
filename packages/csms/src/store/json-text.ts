// JSON text of a string without a call into V8's JSON serializer when nothing needs escaping (issue 7:
// `JSON.stringify(s)` of a short string costs a runtime entry and a builder each time; the store writes
// dozens of strings per TransactionEvent through canonicalJson and samplesJson).

/** A string as JSON.stringify writes it: as is between quotes unless a character needs escaping. */
export function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // controls, quote and backslash are escaped; lone surrogates are written as \u escapes (well-formed stringify)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}
