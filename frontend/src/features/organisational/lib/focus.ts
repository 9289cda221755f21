/** Focuses an element that the next renders will show (tries for about a second). */
export function focusWhenShown(id: string, framesLeft = 60): void {
  const element = document.getElementById(id);
  if (element) element.focus();
  else if (framesLeft > 0) {
    requestAnimationFrame(() => {
      focusWhenShown(id, framesLeft - 1);
    });
  }
}
