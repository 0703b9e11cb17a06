/**
 * Whether the user asked their system for less motion (`prefers-reduced-motion`, Media Queries
 * Level 5): Ant Design's opening and closing motions and its click wave are then left out, so a
 * dialog or menu is where it stays from its first frame. Followed live, as the setting can change
 * while the page is open.
 */
import { useSyncExternalStore } from 'react';

const query = window.matchMedia('(prefers-reduced-motion: reduce)');

function subscribe(changed: () => void): () => void {
  query.addEventListener('change', changed);
  return () => query.removeEventListener('change', changed);
}

export function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(subscribe, () => query.matches);
}
