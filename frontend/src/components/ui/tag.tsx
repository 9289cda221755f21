export type TagColour = 'grey' | 'green' | 'blue' | 'yellow' | 'orange' | 'red' | 'white';

/** NHS.UK tag: a short status word; the colour is never the only signal. */
export function Tag({ children, colour }: { children: string; colour?: TagColour }) {
  return (
    <strong className={`nhsuk-tag${colour === undefined ? '' : ` nhsuk-tag--${colour}`}`}>
      {children}
    </strong>
  );
}
