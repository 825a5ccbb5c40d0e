/** The pause sign, drawn with two borders: the ⏸ character is missing from many fonts (a box instead). */
export function PauseIcon() {
  return <span className="pause-icon" aria-hidden="true" />;
}
