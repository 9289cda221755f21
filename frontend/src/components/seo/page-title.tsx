const SERVICE_NAME = 'Equitas';

/** Sets the document title; React 19 hoists <title> into <head>. */
export function PageTitle({ title }: { title?: string }) {
  return <title>{title === undefined ? SERVICE_NAME : `${title} – ${SERVICE_NAME}`}</title>;
}
