/** `maya.patel@example.com` → `m***@example.com`: enough to confirm with a customer, too little to leak. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
