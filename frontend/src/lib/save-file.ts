/** Saves a file the SPA fetched, as a download with this name. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the URL after the click returns.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}
