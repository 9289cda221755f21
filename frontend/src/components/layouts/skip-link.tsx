export const MAIN_CONTENT_ID = 'maincontent';

/** First focusable element on every page (WCAG 2.4.1, bypass blocks). */
export function SkipLink() {
  return (
    <a className="nhsuk-skip-link" href={`#${MAIN_CONTENT_ID}`}>
      Skip to main content
    </a>
  );
}
