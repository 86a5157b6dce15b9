// The credential lives in sessionStorage only: gone when the tab closes, never in localStorage.
const storageKey = 'overseer.console.credential';

/** The credential entered for this browser tab, if any. */
export function savedCredential(): string | null {
  return sessionStorage.getItem(storageKey);
}

export function saveCredential(credential: string): void {
  sessionStorage.setItem(storageKey, credential);
}

export function forgetCredential(): void {
  sessionStorage.removeItem(storageKey);
}
