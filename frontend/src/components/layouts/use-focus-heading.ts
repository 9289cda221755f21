import { useEffect, useRef, type RefObject } from 'react';
import { useLocation } from 'react-router';

// A page whose heading waits for data gets this long to show it.
const WAIT_FOR_HEADING_MS = 5000;

function focusHeading(main: HTMLElement): boolean {
  const heading = main.querySelector('h1');
  if (heading === null) return false;
  // -1: focusable from script only, so tabbing is unchanged.
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll: false });
  return true;
}

/**
 * After each navigation inside the app, focus moves to the new page's heading, as it
 * would after a full page load, so that screen reader users hear where they are and
 * keyboard users start from the top of the content (WCAG 2.4.3). The first page load
 * is left alone: the browser starts at the top already.
 */
export function useFocusHeadingOnNavigate(main: RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const element = main.current;
    if (element === null || focusHeading(element)) return;
    const observer = new MutationObserver(() => {
      if (focusHeading(element)) observer.disconnect();
    });
    observer.observe(element, { childList: true, subtree: true });
    const timer = window.setTimeout(() => {
      observer.disconnect();
    }, WAIT_FOR_HEADING_MS);
    return () => {
      observer.disconnect();
      window.clearTimeout(timer);
    };
  }, [pathname, main]);
}
