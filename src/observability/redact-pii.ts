/** What kind of personal data a redaction replaced. */
export type PiiKind = 'email' | 'card' | 'iban' | 'phone';

const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// 13-19 digits, optionally grouped by single spaces or dashes; confirmed by the Luhn check.
const cardPattern = /\b\d(?:[ -]?\d){12,18}\b/g;
// Two letters, two check digits, then 11-30 letters or digits, optionally in groups of four.
const ibanPattern = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
// An optional +country code, then 9-15 digits with common separators; short numbers (order ids) stay.
// Digits joined to a word by `-` or `_` (`chatcmpl-123456789`, `call_4155550132`) are part of an id.
const phonePattern = /(?<![\w+-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){2,4}(?![\w-])/g;
// Run, thread and request ids: their digit groups look like phone or card numbers, and must stay.
const uuidPattern = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * Replace emails, card numbers (Luhn-valid), IBANs (checksum-valid) and phone numbers in
 * text meant for logs with `[redacted:<kind>]`. Order numbers, amounts and dates stay, so a
 * log line is still useful.
 * @example redactPii('Card 4111 1111 1111 1111, mail maya@example.com') // 'Card [redacted:card], mail [redacted:email]'
 */
export function redactPii(text: string): string {
  // Redact between the ids only, so an id is never cut into.
  let redacted = '';
  let from = 0;
  for (const id of text.matchAll(uuidPattern)) {
    redacted += redactText(text.slice(from, id.index)) + id[0];
    from = id.index + id[0].length;
  }
  return redacted + redactText(text.slice(from));
}

function redactText(text: string): string {
  return text
    .replace(emailPattern, '[redacted:email]')
    .replace(ibanPattern, (match) => (isValidIban(match) ? '[redacted:iban]' : match))
    .replace(cardPattern, (match) => (passesLuhn(match.replace(/\D/g, '')) ? '[redacted:card]' : match))
    .replace(phonePattern, (match) => (looksLikePhone(match) ? '[redacted:phone]' : match));
}

/** `redactPii` applied to every string inside a JSON-like value (object keys are kept). */
export function redactPiiDeep<T>(value: T): T {
  if (typeof value === 'string') return redactPii(value) as T;
  if (Array.isArray(value)) return value.map(redactPiiDeep) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, redactPiiDeep(member)])) as T;
  }
  return value;
}

export function passesLuhn(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function isValidIban(text: string): boolean {
  const compact = text.replace(/ /g, '');
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  // ISO 13616: move the first four characters to the end, letters to numbers, modulo 97 must be 1.
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const value = /\d/.test(character) ? character : String(character.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

function looksLikePhone(match: string): boolean {
  const digits = match.replace(/\D/g, '');
  if (digits.length < 9 || digits.length > 15) return false;
  // Dates and times look like digit groups too; a phone number has no such shape.
  return !/^\d{4}-\d{2}-\d{2}/.test(match);
}
