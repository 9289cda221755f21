/** A polite, announced placeholder while something loads. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="nhsuk-body" role="status">
      {label}
    </p>
  );
}
